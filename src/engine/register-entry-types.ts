import { registerEntryTypes } from '../ledger/entries/entry-types.ts';
import { ENGINE_ENTRY_TYPES } from './entry-types.ts';

let registered = false;

/**
 * Adds the engine's entry types to the ledger's registry (once). Every engine module
 * that writes entries calls it, so the ledger accepts them however the engine is loaded.
 *
 * @example
 * ```ts
 * ensureEngineEntryTypes();
 * ```
 */
export function ensureEngineEntryTypes(): void {
  if (registered) return;
  registerEntryTypes(ENGINE_ENTRY_TYPES);
  registered = true;
}
