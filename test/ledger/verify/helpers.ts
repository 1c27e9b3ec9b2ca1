/**
 * Shared helpers of the ledger verification tests: build a ledger through the
 * real sequencer, trusted verifiers, and mutations applied inside a transaction
 * (append-only triggers disabled for it) that is always rolled back.
 */
import { sql, type Transaction } from 'kysely';
import { ledgerNoteVerifier } from '../../../src/ledger/checkpoint-signing.ts';
import type { NoteVerifier } from '../../../src/crypto/signed-note.ts';
import type { Database } from '../../../src/store/schema.ts';
import type { Store } from '../../../src/store/store.ts';
import type { TestLedger } from '../../harness/test-ledger.ts';

/**
 * Appends `batches.length` batches through the sequencer (one checkpoint each),
 * entries spread over `streams` streams; returns the tree size.
 *
 * @example
 * ```ts
 * await buildLedger(l, [3, 1, 5], 3); // 9 entries, checkpoints at 3, 4, 9
 * ```
 */
export async function buildLedger(l: TestLedger, batches: readonly number[], streams: number, offset = 0): Promise<number> {
  let n = offset;
  for (const size of batches) {
    const inputs = [];
    for (let i = 0; i < size; i++, n++) {
      inputs.push({ stream_id: `stream-${n % streams}`, entry_type: 'system.note', payload: { message: `note number ${n} for the audit trail`, n } });
    }
    await l.sequencer.enqueue(inputs);
    let drained = 0;
    while (drained < size) {
      const got = await l.sequencer.drainOnce();
      if (got === 0) throw new Error('outbox drained short');
      drained += got;
    }
    l.clock.advance(1000);
  }
  return n;
}

/**
 * The trusted note verifiers of a test ledger (its ledger keys).
 *
 * @example
 * ```ts
 * const verifiers = await ledgerVerifiers(l);
 * ```
 */
export async function ledgerVerifiers(l: TestLedger): Promise<NoteVerifier[]> {
  const keys = await l.keyring.list('ledger');
  return keys.filter((k) => k.status !== 'revoked').map((k) => ledgerNoteVerifier(l.origin, k.publicJwk));
}

class Rollback extends Error {
  constructor(readonly value: unknown) {
    super('rollback');
  }
}

/**
 * Runs `mutate` then `inspect` in one transaction with triggers disabled
 * (`session_replication_role = replica`, superuser), and rolls it back.
 *
 * @example
 * ```ts
 * const report = await mutated(store, (trx) => sql`delete from ledger_entries where seq = 5`.execute(trx), (trx) => verifyLedger(new StoreLedgerSource(trx), opts));
 * ```
 */
export async function mutated<T>(store: Store, mutate: (trx: Transaction<Database>) => Promise<unknown>, inspect: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  try {
    await store.transaction(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await mutate(trx);
      throw new Rollback(await inspect(trx));
    });
  } catch (err) {
    if (err instanceof Rollback) return err.value as T;
    throw err;
  }
  throw new Error('unreachable');
}
