import { Type } from 'typebox';
import type { EntryTypeSpec } from '../../ledger/entries/entry-types.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' });
const Name = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,255}$' });
const Names = Type.Array(Name, { maxItems: 64 });
const ShortText = Type.String({ minLength: 1, maxLength: 500 });
const Author = Type.String({ minLength: 1, maxLength: 128 });
const Instant = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?Z$' });

/**
 * Ledger entry types of signal changes, with allowlisted payloads (ids, scope names,
 * reason text, author, the authenticated actor; never secrets). `signal-store.ts`
 * registers them with the ledger (`registerEntryTypes`) when it is loaded.
 *
 * @example
 * ```ts
 * validateEntry(input, { ...ENTRY_TYPES, ...SIGNAL_ENTRY_TYPES });
 * ```
 */
export const SIGNAL_ENTRY_TYPES: Readonly<Record<string, EntryTypeSpec>> = {
  'signal.hold_set': {
    description: 'a phase hold was set on a target or environment',
    schema: Type.Object(
      {
        hold_id: Id,
        scope_kind: Type.Union([Type.Literal('target'), Type.Literal('environment')]),
        target: Name,
        reason: ShortText,
        author: Author,
        actor: ShortText,
      },
      { additionalProperties: false },
    ),
    opaqueIdPaths: ['$.hold_id'],
  },
  'signal.hold_cleared': {
    description: 'a phase hold was cleared',
    schema: Type.Object({ hold_id: Id, author: Author, reason: Type.Optional(ShortText), actor: ShortText }, { additionalProperties: false }),
    opaqueIdPaths: ['$.hold_id'],
  },
  'signal.incident_opened': {
    description: 'an incident was opened on a scope (empty scope: global)',
    schema: Type.Object(
      { incident_id: Id, targets: Names, environments: Names, reason: ShortText, author: Author, actor: ShortText },
      { additionalProperties: false },
    ),
    opaqueIdPaths: ['$.incident_id'],
  },
  'signal.incident_resolved': {
    description: 'an incident was resolved',
    schema: Type.Object({ incident_id: Id, author: Author, reason: Type.Optional(ShortText), actor: ShortText }, { additionalProperties: false }),
    opaqueIdPaths: ['$.incident_id'],
  },
  'signal.override_granted': {
    description: 'an approved exception was granted on a scope until expires_at',
    schema: Type.Object(
      {
        override_id: Id,
        targets: Names,
        environments: Names,
        reason: ShortText,
        author: Author,
        actor: ShortText,
        ttl_seconds: Type.Integer({ minimum: 1 }),
        expires_at: Instant,
      },
      { additionalProperties: false },
    ),
    opaqueIdPaths: ['$.override_id'],
  },
};
