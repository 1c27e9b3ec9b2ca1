/**
 * The ledger entry type of enforcement events: `enforcement.event`, whose allowlisted
 * payload is exactly the event ({@link EnforcementEventSchema}).
 *
 * @module
 */
import { registerEntryTypes, type EntryTypeSpec } from '../ledger/entries/entry-types.ts';
import type { EntryInput } from '../ledger/entries/validate-entry.ts';
import type { EnforcementEvent } from './enforcement-event.ts';
import { EVENT_OPAQUE_ID_PATHS, EnforcementEventSchema } from './event-schema.ts';

/** The entry type name. */
export const ENFORCEMENT_EVENT_ENTRY = 'enforcement.event';

/** The ledger stream enforcement events are appended to. */
export const EVENTS_STREAM_ID = 'system.events';

/**
 * Entry types of the events module.
 *
 * @example
 * ```ts
 * registerEntryTypes(EVENT_ENTRY_TYPES);
 * ```
 */
export const EVENT_ENTRY_TYPES: Readonly<Record<string, EntryTypeSpec>> = {
  [ENFORCEMENT_EVENT_ENTRY]: {
    description: 'an enforcement event (DESIGN §3.6): the event itself, with its correlation keys',
    schema: EnforcementEventSchema,
    opaqueIdPaths: EVENT_OPAQUE_ID_PATHS,
  },
};

let registered = false;

/**
 * Adds `enforcement.event` to the ledger's registry (once).
 *
 * @example
 * ```ts
 * ensureEventEntryTypes();
 * ```
 */
export function ensureEventEntryTypes(): void {
  if (registered) return;
  registerEntryTypes(EVENT_ENTRY_TYPES);
  registered = true;
}

/**
 * The ledger entry of one event (for {@link enqueueInTransaction} when an event must
 * commit with other writes).
 *
 * @example
 * ```ts
 * await enqueueInTransaction(trx, [eventEntry(event)]);
 * ```
 */
export function eventEntry(event: EnforcementEvent): EntryInput {
  ensureEventEntryTypes();
  return { stream_id: EVENTS_STREAM_ID, entry_type: ENFORCEMENT_EVENT_ENTRY, payload: { ...event } };
}
