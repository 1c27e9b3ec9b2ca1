import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { hashCanonical } from '../../crypto/hash.ts';
import { ClientError, WritClient } from '../client.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { verifyAuthorizationCommit, waitForCommit } from '../verify-commit.ts';

interface Step {
  step: string;
  request?: { method: string; path: string; body?: unknown };
  response?: unknown;
  note?: string;
}

/**
 * `writ demo`: the whole governed flow against a running dev server, step by step —
 * a dev JWT-SVID for the workload, a prod promotion intent, approvals by the dev users
 * alice (platform-security) and bob (release-management) with ID tokens bound to the
 * decision, the attestation token, authorize_execution, the ledger commit with its
 * inclusion proof verified against the signed checkpoint, and the execution reports.
 * `--json` prints one JSON object per line, one per step, with the exact request and
 * response bodies (the token appears only in the `token` step).
 *
 * @example
 * ```ts
 * registerDemoCommand(program, context);
 * // writ demo --json
 * ```
 */
export function registerDemoCommand(program: Command, ctx: () => CliContext): void {
  program
    .command('demo')
    .description('run the whole governed flow on a dev server and print each step')
    .option('--target <id>', 'the environment to promote to', 'payments/prod')
    .action(async (opts: { target: string }) => {
      const c = ctx();
      const admin = c.client();
      const print = (s: Step, human: string) => {
        if (c.out.json) process.stdout.write(`${JSON.stringify(s)}\n`);
        else process.stdout.write(`${human}\n`);
      };
      /** One API exchange, kept as the step's request and response (an ID token in a request body is not printed). */
      const exchange = async <T>(client: WritClient, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ request: NonNullable<Step['request']>; response: T }> => {
        const response = await client.request<T>(method, path, body);
        const shown = body && typeof body === 'object' && 'id_token' in body ? { ...(body as object), id_token: '(ID token, not shown)' } : body;
        return { request: { method, path, ...(shown !== undefined ? { body: shown } : {}) }, response };
      };

      const spiffeId = 'spiffe://writ.dev/demo/deploy';
      const identity = { agent_id: 'release-bot', pipeline_id: 'deploy-main', region: 'eu-west-1', env_tier: 'prod' as const, spiffe_id: spiffeId };
      // 1. The workload's identity: a dev JWT-SVID for the gateway's audience.
      const svid = (await exchange<{ token: string; expires_at: string }>(admin, 'POST', '/v1/dev/svids', { kind: 'jwt', spiffe_id: spiffeId, audience: ['writ-gateway'], ttl_seconds: 600 }));
      print({ step: 'svid', request: svid.request, response: { ...svid.response, token: '(JWT-SVID, not shown)' } }, `1. workload ${spiffeId}: dev JWT-SVID until ${svid.response.expires_at}`);
      const workload = new WritClient({ addr: admin.addr, home: '', token: svid.response.token, env: {} });

      // 2. The intent.
      const intent = {
        action_scope: 'promotion',
        principal: { type: 'pipeline', id: 'deploy-main' },
        resource: { type: 'environment', id: opts.target, attrs: { tier: 'prod' } },
        execution_identity: identity,
        context: { artifact_digest: `sha256:${'9b'.repeat(32)}`, change_ref: 'CHG-DEMO' },
      };
      const submitted = (await exchange<{ decision: { decision_id: string; decision_hash: string; verdict: string; status: string; obligations: { approvals_required: number; approver_groups: string[] } } }>(workload, 'POST', '/v1/intents', intent));
      const d = submitted.response.decision;
      print({ step: 'intent', ...submitted }, `2. intent → ${d.verdict} (${d.obligations.approvals_required} approvals from ${d.obligations.approver_groups.join(', ') || '-'}), decision ${d.decision_id}`);
      if (d.verdict === 'deny') {
        process.exitCode = EXIT.AUTH;
        return;
      }

      // 3. Approvals by dev users, each ID token bound to {decision_hash, nonce}.
      if (d.verdict === 'require_approval') {
        for (const user of ['alice', 'bob']) {
          const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url');
          const { id_token } = await admin.post<{ id_token: string }>('/dev-idp/token', { user, nonce: hashCanonical({ decision_hash: d.decision_hash, nonce }) });
          const approved = (await exchange<{ decision_status: string; approvals_counted: number; approvals_required: number }>(admin, 'POST', `/v1/decisions/${d.decision_id}/approvals`, { method: 'oidc', id_token, nonce, verdict: 'approve', decision_hash: d.decision_hash }));
          print({ step: 'approval', ...approved }, `3. ${user} approves: ${approved.response.approvals_counted}/${approved.response.approvals_required}, decision ${approved.response.decision_status}`);
        }
      }

      // 4. The attestation token (the only step that shows it).
      const tokenStep = (await exchange<{ token: string; jti: string; expires_at: number }>(workload, 'POST', `/v1/decisions/${d.decision_id}/token`));
      print({ step: 'token', ...tokenStep }, `4. attestation token ${tokenStep.response.jti}, expires ${new Date(tokenStep.response.expires_at * 1000).toISOString()}`);

      // 5. authorize_execution, with the SVID as runtime proof.
      const authorizeBody = { decision_hash: d.decision_hash, attestation_token: tokenStep.response.token, action_scope: 'promotion', execution_identity: identity, requested_at: new Date().toISOString() };
      const authorized = (await exchange<{ authorization_id: string; verdict: string; denial_code?: string }>(workload, 'POST', '/v1/authorize_execution', authorizeBody));
      print({ step: 'authorize', request: { ...authorized.request!, body: { ...authorizeBody, attestation_token: '(token, see the token step)' } }, response: authorized.response }, `5. authorize_execution → ${authorized.response.verdict}${authorized.response.denial_code ? ` ${authorized.response.denial_code}` : ''} (${authorized.response.authorization_id})`);
      if (authorized.response.verdict !== 'ALLOW') {
        process.exitCode = EXIT.AUTH;
        return;
      }

      // 6. The ledger commit, verified against the signed checkpoint.
      const id = authorized.response.authorization_id;
      const status = await waitForCommit(workload, id, 30_000);
      if (!status?.commit) throw new ClientError('LEDGER_COMMIT_TIMEOUT', `authorization ${id} was not committed (${status?.state ?? 'no answer'})`);
      const cm = status.commit;
      await verifyAuthorizationCommit(workload, cm);
      print({ step: 'commit', request: { method: 'GET', path: `/v1/authorizations/${id}` }, response: status, note: 'inclusion proof verified against the signed checkpoint' }, `6. committed at seq ${cm.seq} in a tree of ${cm.checkpoint.tree_size}: inclusion proof verified`);

      // 7. Execution, reported before and after.
      await workload.post(`/v1/authorizations/${id}/execution`, { phase: 'started' });
      const run = spawnSync(process.execPath, ['-e', "console.log('deploying payments to prod (demo)')"], { encoding: 'utf8' });
      const done = (await exchange<{ event_id: string }>(workload, 'POST', `/v1/authorizations/${id}/execution`, { phase: 'completed', exit_code: run.status ?? 1 }));
      print({ step: 'exec', ...done, note: run.stdout.trim() }, `7. executed (exit ${run.status}); execution_started and execution_completed recorded\n\nnext: npx writ ledger tail   (the decision's stream: intent, decision, approvals, token, authorization)`);
    });
}
