import { Type } from 'typebox';
import type { EntryTypeSpec } from '../../ledger/entries/entry-types.ts';

const Epoch = Type.Integer({ minimum: 1 });
const Instant = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?Z$' });

/**
 * Ledger entry type of enforcement epoch changes (stream `system.epochs`).
 * `store-epochs.ts` registers it with the ledger when it is loaded.
 *
 * @example
 * ```ts
 * registerEntryTypes(EPOCH_ENTRY_TYPES);
 * ```
 */
export const EPOCH_ENTRY_TYPES: Readonly<Record<string, EntryTypeSpec>> = {
  'epoch.advanced': {
    description: 'the enforcement epoch advanced: `epoch` active, `previous` draining until drain_until, `deprecated` no longer accepted',
    schema: Type.Object(
      {
        epoch: Epoch,
        previous: Epoch,
        grace_seconds: Type.Integer({ minimum: 0 }),
        drain_until: Instant,
        deprecated: Type.Array(Epoch, { maxItems: 10_000 }),
        actor: Type.String({ minLength: 1, maxLength: 500 }),
      },
      { additionalProperties: false },
    ),
  },
};
