import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { DecisionWire } from '../../contracts/decisions.ts';
import { ClientError, WritClient } from '../client.ts';
import type { CliContext } from '../context.ts';

type Decision = DecisionWire;

const decisionLine = (d: Decision) =>
  `${d.decision_id}  ${d.status.padEnd(16)} ${d.action_scope}  ${d.verdict}${d.deny_code ? ` (${d.deny_code})` : ''}  ${d.reasons.join(',') || '-'}`;

function decisionText(d: Decision): string {
  return [
    `decision      ${d.decision_id}`,
    `status        ${d.status}${d.break_glass ? '  (break-glass)' : ''}`,
    `verdict       ${d.verdict}${d.deny_code ? `  ${d.deny_code}` : ''}`,
    `reasons       ${d.reasons.join(', ') || '-'}`,
    ...(d.verdict === 'require_approval'
      ? [`approvals     ${d.obligations.approvals_required} from ${d.obligations.approver_groups.join(', ')}`]
      : []),
    `decision_hash ${d.decision_hash}`,
    `policy        ${d.policy_bundle_hash}`,
    `expires_at    ${d.expires_at}`,
  ].join('\n');
}

/** A client authenticating with a workload credential when one is given, else the admin credential. */
function callerClient(c: CliContext, credentialFile: string | undefined): WritClient {
  const secret = credentialFile ? readFileSync(credentialFile, 'utf8').trim() : c.env.WRIT_WORKLOAD_TOKEN?.trim();
  return secret ? new WritClient({ addr: c.client().addr, home: '', token: secret, env: {} }) : c.client();
}

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (err) {
    throw new ClientError('BAD_REQUEST', `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ClientError('BAD_REQUEST', `${path} is not JSON: ${(err as Error).message}`);
  }
}

/**
 * `writ intent submit`, `writ decision show|list`, `writ token`, `writ workload register`:
 * the agent/pipeline side of the governed flow, over the server's API. Intent and token
 * calls authenticate with a workload credential (`--credential FILE` or
 * `WRIT_WORKLOAD_TOKEN`), else with the local admin credential.
 *
 * @example
 * ```ts
 * registerDecisionCommands(program, context);
 * // writ intent submit intent.json --json
 * ```
 */
export function registerDecisionCommands(program: Command, ctx: () => CliContext): void {
  const intent = program.command('intent').description('ask Writ for a decision');
  intent
    .command('submit <file>')
    .description('submit an intent (JSON file, or - for stdin); prints the decision')
    .option('--credential <file>', 'file holding a workload credential (default: WRIT_WORKLOAD_TOKEN, else the admin credential)')
    .action(async (file: string, opts: { credential?: string }) => {
      const c = ctx();
      const res = await callerClient(c, opts.credential).post<{ decision: Decision; created: boolean; ledger: { seq: number } | null }>('/v1/intents', readJsonFile(file));
      c.out.result(res, () => `${decisionText(res.decision)}${res.created ? '' : '\n(an earlier submission with this idempotency_key)'}`);
    });

  const decision = program.command('decision').description('read decisions');
  decision
    .command('show <id>')
    .description('show a decision')
    .action(async (id: string) => {
      const c = ctx();
      const res = await c.client().get<{ decision: Decision; intent: unknown }>(`/v1/decisions/${encodeURIComponent(id)}`);
      c.out.result(res, () => decisionText(res.decision));
    });
  decision
    .command('list')
    .description('list decisions, newest first')
    .option('--status <status>', 'pending_approval | approved | rejected | allowed | denied | expired | revoked')
    .option('--group <group>', 'only decisions that need approval from this group')
    .option('--limit <n>', 'at most this many', (v) => Number.parseInt(v, 10))
    .action(async (opts: { status?: string; group?: string; limit?: number }) => {
      const c = ctx();
      const q = new URLSearchParams();
      if (opts.status) q.set('status', opts.status);
      if (opts.group) q.set('group', opts.group);
      if (opts.limit) q.set('limit', String(opts.limit));
      const res = await c.client().get<{ decisions: Decision[] }>(`/v1/decisions${q.size ? `?${q}` : ''}`);
      c.out.result(res, () => (res.decisions.length ? res.decisions.map(decisionLine).join('\n') : '(no decisions)'));
    });

  program
    .command('token <decision-id>')
    .description('get the attestation token of an allowed or approved decision (printed on stdout)')
    .option('--credential <file>', 'file holding the workload credential the decision names (default: WRIT_WORKLOAD_TOKEN)')
    .action(async (id: string, opts: { credential?: string }) => {
      const c = ctx();
      const res = await callerClient(c, opts.credential).post<{ token: string; jti: string; expires_at: number }>(`/v1/decisions/${encodeURIComponent(id)}/token`);
      c.out.result(res, () => res.token);
    });

  const workload = program.command('workload').description('workload credentials (interim, until SPIFFE workload auth)');
  workload
    .command('register')
    .description('issue a credential for a workload; the secret is printed once')
    .option('--spiffe-id <id>', 'SPIFFE ID of the workload')
    .option('--agent-id <id>', 'agent id')
    .option('--pipeline-id <id>', 'pipeline id')
    .action(async (opts: { spiffeId?: string; agentId?: string; pipelineId?: string }) => {
      const c = ctx();
      const res = await c.client().post<{ credential_id: string; secret: string }>('/v1/workload-credentials', {
        ...(opts.spiffeId ? { spiffe_id: opts.spiffeId } : {}),
        ...(opts.agentId ? { agent_id: opts.agentId } : {}),
        ...(opts.pipelineId ? { pipeline_id: opts.pipelineId } : {}),
      });
      c.out.result(res, () => `${res.secret}\n(credential ${res.credential_id}; store the secret now, it is not shown again)`);
    });
}
