import { Type } from 'typebox';
import type { EntryTypeSpec } from '../../ledger/entries/entry-types.ts';

const ShortText = Type.String({ minLength: 1, maxLength: 500 });

/**
 * Ledger entry type of revocations (stream `system.revocations`), with an allowlisted
 * payload: the row id, what was revoked (a jti, a kid, an agent_id or spiffe_id:
 * public identifiers, never a token or a key), the reason and the actor.
 * `revocation-store.ts` registers it with the ledger when it is loaded.
 *
 * @example
 * ```ts
 * registerEntryTypes(REVOCATION_ENTRY_TYPES);
 * ```
 */
export const REVOCATION_ENTRY_TYPES: Readonly<Record<string, EntryTypeSpec>> = {
  'revocation.added': {
    description: 'a jti, kid or agent (agent_id or spiffe_id) was revoked; every gateway replica denies it',
    schema: Type.Object(
      {
        revocation_id: Type.Integer({ minimum: 1 }),
        kind: Type.Union([Type.Literal('jti'), Type.Literal('kid'), Type.Literal('agent')]),
        value: Type.String({ minLength: 1, maxLength: 2048 }),
        reason: ShortText,
        actor: ShortText,
      },
      { additionalProperties: false },
    ),
    // Token ids and key thumbprints are random by design.
    opaqueIdPaths: ['$.value'],
  },
};
