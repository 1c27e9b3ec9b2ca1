import { Type } from 'typebox';
import { registerEntryTypes, type EntryTypeSpec } from '../ledger/entries/entry-types.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,160}$' });
const Ref = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const Name = Type.String({ minLength: 1, maxLength: 2048 });
const N = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/**
 * Ledger entry types of the execution gateway (allowlisted payloads: ids, hashes,
 * codes; never the token).
 *
 * @example
 * ```ts
 * ensureGatewayEntryTypes();
 * ```
 */
export const GATEWAY_ENTRY_TYPES: Readonly<Record<string, EntryTypeSpec>> = {
  'authorization.recorded': {
    description: 'an authorize_execution request and its verdict (every request, allowed or denied)',
    schema: Type.Object(
      {
        authorization_id: Id,
        verdict: Type.Union([Type.Literal('ALLOW'), Type.Literal('DENY')]),
        denial_code: N(Id),
        reason: N(Id),
        decision_id: N(Id),
        decision_hash: N(Ref),
        token_jti: N(Id),
        kid: N(Id),
        action_scope: N(Id),
        agent_id: N(Name),
        spiffe_id: N(Name),
        region: N(Name),
        policy_bundle_hash: N(Ref),
        enforcement_epoch: N(Type.Integer({ minimum: 1 })),
        evaluated_at: Type.String(),
      },
      { additionalProperties: false },
    ),
    opaqueIdPaths: ['$.authorization_id', '$.decision_id', '$.token_jti', '$.kid'],
  },
  'authorization.compensated': {
    description: 'an ALLOW was not integrated into the ledger in time: revoked and compensated',
    schema: Type.Object({ authorization_id: Id, decision_hash: N(Ref), token_jti: N(Id), timeout_ms: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
    opaqueIdPaths: ['$.authorization_id', '$.token_jti'],
  },
};

let registered = false;

/**
 * Registers the gateway's entry types with the ledger (once).
 *
 * @example
 * ```ts
 * ensureGatewayEntryTypes();
 * ```
 */
export function ensureGatewayEntryTypes(): void {
  if (registered) return;
  registerEntryTypes(GATEWAY_ENTRY_TYPES);
  registered = true;
}
