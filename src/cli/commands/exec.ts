import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ClientError, WritClient } from '../client.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { verifyAuthorizationCommit, waitForCommit } from '../verify-commit.ts';

interface AuthorizeOptions {
  token: string;
  decisionHash: string;
  identity: string;
  svid?: string;
  credential?: string;
  actionScope?: string;
}

const readText = (file: string, what: string): string => {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new ClientError('BAD_REQUEST', `cannot read ${what} ${file}: ${(err as Error).message}`);
  }
};

/** POSTs authorize_execution with the runtime SVID as bearer; returns the response body (also for a 400). */
async function callAuthorize(c: CliContext, opts: AuthorizeOptions): Promise<{ status: number; body: Record<string, unknown> }> {
  let identity: unknown;
  try {
    identity = JSON.parse(readText(opts.identity, 'identity file'));
  } catch (err) {
    if (err instanceof ClientError) throw err;
    throw new ClientError('BAD_REQUEST', `${opts.identity} is not JSON`);
  }
  const body = {
    decision_hash: opts.decisionHash,
    attestation_token: readText(opts.token, 'token file'),
    action_scope: opts.actionScope ?? 'promotion',
    execution_identity: identity,
    requested_at: new Date().toISOString(),
  };
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (opts.svid) headers.authorization = `Bearer ${readText(opts.svid, 'SVID file')}`;
  let res: Response;
  try {
    res = await fetch(`${c.client().addr}/v1/authorize_execution`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new ClientError('SERVER_UNREACHABLE', `cannot reach Writ at ${c.client().addr}`, undefined, { cause: err });
  }
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

function statusClient(c: CliContext, credentialFile: string | undefined): WritClient {
  const secret = credentialFile ? readText(credentialFile, 'credential file') : c.env.WRIT_WORKLOAD_TOKEN?.trim();
  return secret ? new WritClient({ addr: c.client().addr, home: '', token: secret, env: {} }) : c.client();
}

const addAuthorizeOptions = (cmd: Command) =>
  cmd
    .requiredOption('--token <file>', 'file holding the attestation token')
    .requiredOption('--decision-hash <hash>', 'the decision the token was issued for')
    .requiredOption('--identity <file>', 'JSON file: the execution identity {agent_id, pipeline_id, region, env_tier, spiffe_id}')
    .option('--svid <file>', 'file holding this workload\'s JWT-SVID (audience: the gateway)')
    .option('--action-scope <scope>', 'the action scope (default promotion)');

/**
 * `writ authorize` (calls authorize_execution, prints the response body) and
 * `writ exec … -- CMD ARGS`: authorize, wait for the ledger commit and verify its
 * inclusion proof against the signed checkpoint, only then run the command; report
 * execution_started / _completed (exit code) / _aborted. Any DENY, compensation or
 * timeout exits non-zero without running the command.
 *
 * @example
 * ```ts
 * registerExecCommands(program, context);
 * // writ exec --token t.jwt --decision-hash sha256:… --identity id.json --svid svid.jwt -- ./deploy.sh
 * ```
 */
export function registerExecCommands(program: Command, ctx: () => CliContext): void {
  addAuthorizeOptions(program.command('authorize').description('call authorize_execution and print the response'))
    .action(async (opts: AuthorizeOptions) => {
      const c = ctx();
      const { status, body } = await callAuthorize(c, opts);
      c.out.result(body, () => JSON.stringify(body, null, 2));
      if (status !== 200 || body.verdict !== 'ALLOW') process.exitCode = EXIT.AUTH;
    });

  addAuthorizeOptions(program.command('exec').description('authorize, wait for the ledger commit proof, then run CMD (never before)'))
    .option('--credential <file>', 'workload credential for status polling and execution reports (default WRIT_WORKLOAD_TOKEN)')
    .option('--commit-timeout <seconds>', 'how long to wait for the commit proof (default 30)', (v: string) => Number(v), 30)
    .option('--verifier-key <key>', 'pinned C2SP verifier key of the ledger (default: the server\'s published key)')
    .argument('<command...>', 'the command to run, after --')
    .action(async (command: string[], opts: AuthorizeOptions & { credential?: string; commitTimeout: number; verifierKey?: string }) => {
      const c = ctx();
      const { status, body } = await callAuthorize(c, opts);
      if (status !== 200 || body.verdict !== 'ALLOW') {
        c.out.result({ step: 'authorize', ...body }, () => `writ exec: DENY ${String(body.denial_code ?? body.code ?? status)}; not running ${command[0]}`);
        process.exitCode = EXIT.AUTH;
        return;
      }
      const id = String(body.authorization_id);
      const client = statusClient(c, opts.credential);
      const report = (phase: 'started' | 'completed' | 'aborted', extra: Record<string, unknown> = {}) =>
        client.post(`/v1/authorizations/${encodeURIComponent(id)}/execution`, { phase, ...extra }).catch((err: unknown) => c.out.info(`writ exec: could not report ${phase}: ${(err as Error).message}`));
      // Wait for the commit: no execution without its ledger commit (invariant 2).
      const st = await waitForCommit(client, id, opts.commitTimeout * 1000);
      if (!st || st.state !== 'committed' || !st.commit) {
        await report('aborted', { reason: st?.state === 'compensated' ? 'COMPENSATED' : 'LEDGER_COMMIT_TIMEOUT' });
        c.out.result({ step: 'commit', authorization_id: id, state: st?.state ?? 'unknown' }, () => `writ exec: authorization ${id} not committed (${st?.state ?? 'no answer'}); not running ${command[0]}`);
        process.exitCode = EXIT.UNAVAILABLE;
        return;
      }
      try {
        await verifyAuthorizationCommit(client, st.commit, opts.verifierKey);
      } catch (err) {
        await report('aborted', { reason: 'PROOF_INVALID' });
        throw err;
      }
      c.out.info(`writ exec: ALLOW ${id}, committed at seq ${st.commit.seq} (proof verified); running ${command.join(' ')}`);
      await report('started');
      const code = await new Promise<number>((resolve) => {
        const child = spawn(command[0] as string, command.slice(1), { stdio: 'inherit' });
        child.on('error', () => resolve(127));
        child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
      });
      await report('completed', { exit_code: code });
      if (c.out.json) c.out.result({ step: 'exec', authorization_id: id, exit_code: code, commit_seq: st.commit.seq }, () => '');
      process.exitCode = code;
    });
}
