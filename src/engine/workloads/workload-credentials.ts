/**
 * Interim workload credentials: a bearer secret that names one workload (SPIFFE ID,
 * agent id and/or pipeline id). They stand in for SPIFFE workload authentication
 * until the gateway issue brings X.509-/JWT-SVIDs. Only a SHA-256 of the secret is
 * stored; issuance is ledgered without it.
 *
 * @module
 */
import { sha256Hex } from '../../crypto/hash.ts';
import { WritError } from '../../errors/writ-error.ts';
import { enqueueInTransaction } from '../../ledger/sequencer.ts';
import type { ExecutionIdentity } from '../../policy/intent.ts';
import type { EngineDeps } from '../engine-deps.ts';
import { ensureEngineEntryTypes } from '../register-entry-types.ts';
import { engineDb } from '../tables.ts';

/** Prefix of every workload secret (lets scanners and the auth hook recognise it). */
export const WORKLOAD_SECRET_PREFIX = 'writ_wl_';

/**
 * The workload a credential names.
 *
 * @example
 * ```ts
 * const w: Workload = { credential_id: 'wlc_…', spiffe_id: 'spiffe://acme.org/ci/deploy', agent_id: null, pipeline_id: 'deploy-main' };
 * ```
 */
export interface Workload {
  credential_id: string;
  spiffe_id: string | null;
  agent_id: string | null;
  pipeline_id: string | null;
}

/**
 * Issues a workload credential; the secret is returned once and never stored.
 *
 * @example
 * ```ts
 * const { workload, secret } = await issueWorkloadCredential(deps, { spiffe_id: 'spiffe://acme.org/ci/deploy' }, 'admin');
 * ```
 */
export async function issueWorkloadCredential(
  deps: Pick<EngineDeps, 'store' | 'clock' | 'ids'>,
  input: { spiffe_id?: string | null; agent_id?: string | null; pipeline_id?: string | null },
  actor: string,
): Promise<{ workload: Workload; secret: string }> {
  ensureEngineEntryTypes();
  const workload: Workload = {
    credential_id: deps.ids.newId('wlc'),
    spiffe_id: input.spiffe_id ?? null,
    agent_id: input.agent_id ?? null,
    pipeline_id: input.pipeline_id ?? null,
  };
  if (!workload.spiffe_id && !workload.agent_id && !workload.pipeline_id) {
    throw new WritError('BAD_REQUEST', 'a workload credential names at least one of spiffe_id, agent_id, pipeline_id');
  }
  const secret = `${WORKLOAD_SECRET_PREFIX}${Buffer.from(deps.ids.randomBytes(32)).toString('base64url')}`;
  await deps.store.transaction(async (trx) => {
    await engineDb(trx)
      .insertInto('workload_credentials')
      .values({ ...workload, secret_hash: `sha256:${sha256Hex(secret)}`, created_at: deps.clock.now(), revoked_at: null })
      .execute();
    await enqueueInTransaction(trx, [{ stream_id: 'system.workloads', entry_type: 'workload_credential.issued', payload: { ...workload, actor } }]);
  });
  return { workload, secret };
}

/**
 * The workload a presented secret belongs to, or null (unknown, revoked, malformed).
 *
 * @example
 * ```ts
 * const workload = await verifyWorkloadSecret(store.db, bearer);
 * ```
 */
export async function verifyWorkloadSecret(db: EngineDeps['store']['db'], secret: string): Promise<Workload | null> {
  if (!secret.startsWith(WORKLOAD_SECRET_PREFIX) || secret.length > 200) return null;
  const row = await engineDb(db)
    .selectFrom('workload_credentials')
    .select(['credential_id', 'spiffe_id', 'agent_id', 'pipeline_id'])
    .where('secret_hash', '=', `sha256:${sha256Hex(secret)}`)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * True when the workload is the one an execution identity names: every id the
 * credential carries must equal the identity's (a credential naming only a SPIFFE ID
 * matches on that alone), and at least one must be present on both.
 *
 * @example
 * ```ts
 * workloadMatches(workload, decisionIntent.execution_identity); // true | false
 * ```
 */
export function workloadMatches(workload: Workload, identity: ExecutionIdentity): boolean {
  const pairs: Array<[string | null, string | null | undefined]> = [
    [workload.spiffe_id, identity.spiffe_id],
    [workload.agent_id, identity.agent_id],
    [workload.pipeline_id, identity.pipeline_id],
  ];
  let matched = 0;
  for (const [mine, theirs] of pairs) {
    if (mine === null) continue;
    if (mine !== (theirs ?? null)) return false;
    matched += 1;
  }
  return matched > 0;
}
