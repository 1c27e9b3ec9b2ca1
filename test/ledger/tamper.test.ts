/**
 * Acceptance tamper suite of the ledger verifier, the same code on both stores.
 *
 * A ledger of a few hundred entries (many batches, so many checkpoints; several
 * streams) is built through the real sequencer and its latest checkpoint kept
 * as the trusted checkpoint. Then well over 1,000 random mutations are each
 * applied straight to the database inside a transaction with the append-only
 * triggers off (`session_replication_role = replica`), verified through a
 * StoreLedgerSource on that transaction, and rolled back. Every mutation must
 * fail verification, and the first problem must name the exact seq or
 * checkpoint tree size the mutation broke (computed here from the mutation).
 *
 * Reproduce a failure with WRIT_TAMPER_SEED=<seed printed in the message>.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { openTestLedger, type TestLedger } from '../harness/test-ledger.ts';
import { TEST_STORE_KIND } from '../harness/test-store.ts';
import { signCheckpoint } from '../../src/ledger/checkpoint.ts';
import type { NoteSigner, NoteVerifier } from '../../src/crypto/signed-note.ts';
import { StoreLedgerSource } from '../../src/ledger/verify/store-ledger-source.ts';
import { verifyLedger, type VerifyReport } from '../../src/ledger/verify/verify-ledger.ts';
import { buildLedger, ledgerVerifiers, mutated } from './verify/helpers.ts';
import {
  attackerSigner,
  checkpointCovering,
  deleteAndRenumber,
  deleteRow,
  editPayloadByte,
  forkAt,
  insertAtEnd,
  insertMiddle,
  randomCheckpointSignature,
  resignCheckpointOtherKey,
  Rng,
  snapshot,
  swapRows,
  truncateAll,
  truncateEntries,
  type Mutation,
  type Snapshot,
} from './verify/mutations.ts';

const SEED = process.env.WRIT_TAMPER_SEED !== undefined ? Number(process.env.WRIT_TAMPER_SEED) : randomInt(2 ** 31);
const MUTATIONS = 1_120;

let l: TestLedger;
let n: number;
let snap: Snapshot;
let verifiers: NoteVerifier[];
let trusted: string;
let attacker: NoteSigner;
let untouched: VerifyReport;

before(async () => {
  l = await openTestLedger({ maxBatchDelayMs: 0 });
  // A fixed ledger (the mutations are what is random): 24 batches of 1..24 entries, 5 streams.
  const shape = new Rng(20260601);
  const batches = Array.from({ length: 24 }, () => 1 + shape.int(24));
  n = await buildLedger(l, batches, 5);
  snap = await snapshot(l.store, l.origin);
  verifiers = await ledgerVerifiers(l);
  trusted = snap.checkpoints.at(-1)!.note;
  attacker = attackerSigner(l.origin);
});
after(async () => {
  await l.close();
});

function verify(source: StoreLedgerSource): Promise<VerifyReport> {
  return verifyLedger(source, { origin: l.origin, verifiers, trustedCheckpoint: trusted });
}

/** One random mutation of the given kind. */
function randomMutation(kind: number, rng: Rng): Mutation {
  const k = rng.int(n);
  switch (kind) {
    case 0:
      return editPayloadByte(snap, k, rng, true);
    case 1:
      return editPayloadByte(snap, k, rng, false);
    case 2:
      return deleteRow(snap, rng.int(n - 1)); // a middle (or first) entry
    case 3:
      return deleteRow(snap, n - 1);
    case 4:
      return deleteAndRenumber(snap, rng.int(n - 1));
    case 5:
      return insertAtEnd(snap);
    case 6:
      return insertMiddle(snap, k);
    case 7: {
      let m = rng.int(n);
      if (m === k) m = (k + 1) % n;
      return swapRows(snap, Math.min(k, m), Math.max(k, m));
    }
    case 8:
      return truncateEntries(snap, k);
    case 9:
      return truncateAll(snap, 1 + rng.int(n - 1), n);
    case 10:
      return resignCheckpointOtherKey(snap, rng.pick(snap.checkpoints).tree_size, attacker);
    case 11:
      return randomCheckpointSignature(snap, rng.pick(snap.checkpoints).tree_size, true);
    case 12:
      return randomCheckpointSignature(snap, rng.pick(snap.checkpoints).tree_size, false);
    default: {
      const byAttacker = { kid: 'attacker', sign: (origin: string, size: number, root: Uint8Array) => signCheckpoint({ origin, treeSize: size, rootHash: root }, attacker) };
      return forkAt(snap, k, byAttacker, { kinds: ['checkpoint_signature'], tree_size: checkpointCovering(snap, k) });
    }
  }
}
const KINDS = 14;

test(`the untouched ledger verifies (store ${TEST_STORE_KIND})`, async () => {
  untouched = await verify(new StoreLedgerSource(l.store.db));
  assert.equal(untouched.ok, true, JSON.stringify(untouched.problems));
  assert.equal(untouched.entries_checked, n);
  assert.ok(n >= 200 && snap.checkpoints.length === 24, `ledger of ${n} entries, ${snap.checkpoints.length} checkpoints`);
});

test(`${MUTATIONS} random mutations are each caught at the exact seq or checkpoint they broke`, async (t) => {
  t.diagnostic(`seed ${SEED} (WRIT_TAMPER_SEED=${SEED} reproduces this run)`);
  const rng = new Rng(SEED);
  const seen = new Map<string, number>();
  for (let i = 0; i < MUTATIONS; i++) {
    const kind = i % KINDS;
    const m = randomMutation(kind, rng);
    const label = `seed ${SEED}, mutation #${i}: ${m.name}`;
    const r = await mutated(l.store, m.apply, (trx) => verify(new StoreLedgerSource(trx)));
    const p = r.first_problem;
    assert.equal(r.ok, false, `${label}: verified ok`);
    assert.ok(p, label);
    assert.ok(m.expect.kinds.includes(p.kind), `${label}: first problem ${JSON.stringify(p)}, expected ${m.expect.kinds.join('|')}`);
    if (m.expect.seq !== undefined) assert.equal(p.seq, m.expect.seq, `${label}: first problem ${JSON.stringify(p)}`);
    if (m.expect.tree_size !== undefined) assert.equal(p.tree_size, m.expect.tree_size, `${label}: first problem ${JSON.stringify(p)}`);
    const name = m.name.replace(/[0-9]+/g, 'N');
    seen.set(name, (seen.get(name) ?? 0) + 1);
  }
  t.diagnostic(`mutations by kind: ${[...seen].map(([k, c]) => `${k} ×${c}`).join('; ')}`);
});

test('the ledger still verifies after every rollback, to the same root', async () => {
  const r = await verify(new StoreLedgerSource(l.store.db));
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.equal(r.root_hash, untouched.root_hash);
  assert.equal(r.entries_checked, n);
});
