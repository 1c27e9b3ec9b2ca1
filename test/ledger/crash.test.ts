/**
 * Crash safety of the ledger sequencer: a child process appending under load is
 * killed with SIGKILL at random points 20 times on the same database; afterwards
 * every entry whose outbox insert had committed is in the log exactly once, in
 * order, the stored subtree hashes and every signed checkpoint agree with a
 * recomputation from the entries, verifyLedger passes, and the outbox is empty.
 *
 * The kill points come from a seeded PRNG (WRIT_CRASH_SEED overrides the seed;
 * the seed is printed as a diagnostic). On PGlite the child opens the home
 * directory through openStore, so each restart also takes over the home lock the
 * killed process left behind and reopens a data directory that was not shut down.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../src/common/clock.ts';
import { Keyring } from '../../src/crypto/keyring/keyring.ts';
import { LocalKeyProvider } from '../../src/crypto/keyring/local-key-provider.ts';
import { verifyCheckpoint } from '../../src/ledger/checkpoint.ts';
import { ledgerNoteVerifier } from '../../src/ledger/checkpoint-signing.ts';
import { hashRef, leafHashOfJcs } from '../../src/ledger/entry.ts';
import { MerkleFrontier } from '../../src/ledger/merkle/frontier.ts';
import { LedgerSequencer } from '../../src/ledger/sequencer.ts';
import { StoreLedgerSource } from '../../src/ledger/verify/store-ledger-source.ts';
import { verifyLedger } from '../../src/ledger/verify/verify-ledger.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { TEST_STORE_KIND, createScratchDatabase } from '../harness/test-store.ts';

const CHILD = fileURLToPath(new URL('./fixtures/crash-appender.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KILLS = 20;
const ORIGIN = 'writ.test/crash';
/** n of run r starts here, so an n is never reused even when its report was lost. */
const RUN_STRIDE = 1_000_000;
const SEED = Number(process.env.WRIT_CRASH_SEED ?? 0x0c4a5e);
/** Hang guard only (a child that never reports); correctness never depends on it. */
const CHILD_HANG_GUARD_MS = 120_000;

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const masterKey = randomBytes(32);
let home: string | undefined;
let scratch: { url: string; drop(): Promise<void> } | undefined;

before(async () => {
  if (TEST_STORE_KIND === 'postgres') scratch = await createScratchDatabase();
  else home = mkdtempSync(join(tmpdir(), 'writ-crash-'));
});

after(async () => {
  await scratch?.drop();
  if (home) rmSync(home, { recursive: true, force: true });
});

function openCrashStore(): Promise<Store> {
  return openStore({ home: home ?? '', databaseUrl: scratch?.url, storeStartTimeoutMs: 60_000 });
}

interface ChildRun {
  committed: number[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
  /** The store had reopened: `ready`, or a batch began (the first one can precede `ready`). */
  opened: boolean;
  hung: boolean;
  /** The last batch marker before the pipe closed was `drain-begin`: the kill landed inside drainOnce. */
  inDrain: boolean;
  /** Batches that committed entries during this run. */
  batches: number;
}

/**
 * Runs the appender and SIGKILLs it once it has reported `killAfter` committed
 * entries (0: as soon as it is ready); with `atDrain`, at the first batch the
 * sequencer begins after that, so the kill lands inside a group commit.
 */
function runChild(run: number, killAfter: number, atDrain: boolean): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        WRIT_CRASH_MASTER_KEY: masterKey.toString('hex'),
        WRIT_CRASH_ORIGIN: ORIGIN,
        WRIT_CRASH_BASE_N: String(run * RUN_STRIDE),
        WRIT_CRASH_LOOPS: '4',
        ...(home ? { WRIT_CRASH_HOME: home } : {}),
        ...(scratch ? { WRIT_CRASH_DATABASE_URL: scratch.url } : {}),
      },
    });
    const result: ChildRun = { committed: [], signal: null, code: null, stderr: '', opened: false, hung: false, inDrain: false, batches: 0 };
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      child.kill('SIGKILL');
    };
    const guard = setTimeout(() => {
      result.hung = true;
      kill();
    }, CHILD_HANG_GUARD_MS);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      result.stderr += d;
    });
    // Every line that reached the pipe was written after its commit, including
    // lines read after the kill: read to the end.
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line === 'ready') {
        result.opened = true;
        if (killAfter === 0 && !atDrain) kill();
        return;
      }
      if (line === 'drain-begin') {
        result.opened = true;
        result.inDrain = true;
        if (atDrain && result.committed.length >= killAfter) kill();
        return;
      }
      const d = /^drain-end (\d+)$/.exec(line);
      if (d) {
        result.inDrain = false;
        if (Number(d[1]) > 0) result.batches++;
        return;
      }
      const m = /^committed (\d+)$/.exec(line);
      if (!m) {
        result.stderr += `unexpected stdout line: ${line}\n`;
        return;
      }
      result.committed.push(Number(m[1]));
      // (atDrain: a fallback in case no batch begins for a long while.)
      if (result.committed.length >= (atDrain ? killAfter + 1000 : killAfter)) kill();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      result.code = code;
      result.signal = signal;
      resolve(result);
    });
  });
}

test(`a ledger appender SIGKILLed ${KILLS} times at random points loses and duplicates nothing`, { timeout: 900_000 }, async (t) => {
  t.diagnostic(`store=${TEST_STORE_KIND} seed=${SEED} (WRIT_CRASH_SEED to replay)`);
  const rand = prng(SEED);
  const reported: number[] = [];
  const killPoints: string[] = [];
  let killsInDrain = 0;
  let batches = 0;
  for (let run = 1; run <= KILLS; run++) {
    // Mostly log-uniform in [1, 400]; sometimes 0: killed as soon as it is
    // ready, or at its first batch (the recovery drain of what the previous run
    // left in the outbox). Half the runs are killed at the start of a batch.
    const killAfter = rand() < 0.15 ? 0 : Math.floor(Math.exp(rand() * Math.log(400))) + 1;
    const atDrain = rand() < 0.5;
    const r = await runChild(run, killAfter, atDrain);
    killPoints.push(`${killAfter}${atDrain ? 'd' : ''}${r.inDrain ? '*' : ''}`);
    if (r.inDrain) killsInDrain++;
    batches += r.batches;
    const detail = `run ${run} (kill after ${killAfter}): code=${r.code} signal=${r.signal} hung=${r.hung}\n${r.stderr}`;
    assert.ok(!r.hung, `child stopped reporting: ${detail}`);
    assert.equal(r.signal, 'SIGKILL', `child ended by itself instead of being killed: ${detail}`);
    assert.ok(r.opened, `child never became ready (store did not reopen?): ${detail}`);
    assert.ok(r.committed.length >= killAfter, detail);
    reported.push(...r.committed);
  }
  t.diagnostic(`kill points (committed lines; d = at the next batch; * = killed inside drainOnce): ${killPoints.join(' ')}`);
  t.diagnostic(`${killsInDrain}/${KILLS} kills landed inside drainOnce (possibly an empty poll); ${batches} batches committed; ${reported.length} commits reported`);

  // Restart with no child: drain the outbox completely.
  const store = await openCrashStore();
  try {
    const keyring = new Keyring({ store, provider: new LocalKeyProvider(masterKey), clock: systemClock });
    const sequencer = new LedgerSequencer({ store, keyring, clock: systemClock, origin: ORIGIN, maxBatchEntries: 500 });
    let drained = 0;
    for (let n = await sequencer.drainOnce(); n > 0; n = await sequencer.drainOnce()) drained += n;
    t.diagnostic(`final drain integrated ${drained} entries left in the outbox`);

    const outbox = await store.db.selectFrom('ledger_outbox').select((eb) => eb.fn.countAll<number>().as('c')).executeTakeFirstOrThrow();
    assert.equal(Number(outbox.c), 0, 'outbox is empty');

    const key = await keyring.active('ledger');
    assert.ok(key, 'the ledger key exists');
    const verifier = ledgerNoteVerifier(ORIGIN, key.publicJwk);
    const checkpoints = await store.db.selectFrom('ledger_checkpoints').select(['tree_size', 'root_hash', 'note']).orderBy('tree_size').execute();
    const bySize = new Map(checkpoints.map((c) => [Number(c.tree_size), c]));
    const storedNodes = new Map<string, Buffer>();
    for (const r of await store.db.selectFrom('ledger_nodes').select(['level', 'idx', 'hash']).execute()) {
      storedNodes.set(`${r.level}:${r.idx}`, Buffer.from(r.hash));
    }

    const frontier = new MerkleFrontier();
    const seen = new Set<number>();
    const lastN = new Map<string, number>();
    const lastLeaf = new Map<string, Uint8Array>();
    const seenOutboxIds = new Set<number>();
    let producedNodes = 0;
    let checkedCheckpoints = 0;
    const checkCheckpointAt = (size: number) => {
      const cp = bySize.get(size);
      if (!cp) return;
      const root = frontier.root();
      assert.deepEqual(Buffer.from(cp.root_hash), Buffer.from(root), `checkpoint ${size}: stored root equals the recomputed root`);
      const parsed = verifyCheckpoint(cp.note, verifier, ORIGIN);
      assert.equal(parsed.treeSize, BigInt(size));
      assert.deepEqual(Buffer.from(parsed.rootHash), Buffer.from(root), `checkpoint ${size}: signed root equals the recomputed root`);
      checkedCheckpoints++;
    };
    checkCheckpointAt(0);

    const PAGE = 5000;
    let next = 0;
    for (;;) {
      const page = await store.db
        .selectFrom('ledger_entries')
        .select(['seq', 'stream_id', 'entry_type', 'entry_jcs', 'leaf_hash', 'outbox_id'])
        .where('seq', '>=', next)
        .orderBy('seq')
        .limit(PAGE)
        .execute();
      for (const row of page) {
        assert.equal(Number(row.seq), next, 'seqs are gap-free from 0');
        const leaf = leafHashOfJcs(row.entry_jcs);
        assert.deepEqual(Buffer.from(row.leaf_hash), Buffer.from(leaf), `seq ${next}: stored leaf hash covers entry_jcs`);
        const e = JSON.parse(row.entry_jcs) as { seq: number; stream_id: string; entry_type: string; payload: { message: string; n: number }; stream_prev: string | null };
        assert.equal(e.seq, next);
        assert.equal(e.stream_id, row.stream_id);
        assert.equal(e.entry_type, 'system.note');
        assert.equal(e.payload.message, 'crash');
        const n = e.payload.n;
        assert.ok(Number.isSafeInteger(n), `seq ${next}: payload.n`);
        assert.ok(!seen.has(n), `n=${n} appears once (again at seq ${next})`);
        seen.add(n);
        assert.ok(row.outbox_id !== null && !seenOutboxIds.has(Number(row.outbox_id)), `seq ${next}: outbox row integrated once`);
        seenOutboxIds.add(Number(row.outbox_id));
        const prevN = lastN.get(e.stream_id);
        assert.ok(prevN === undefined || prevN < n, `stream ${e.stream_id}: n=${n} at seq ${next} after n=${prevN}`);
        lastN.set(e.stream_id, n);
        const prevLeaf = lastLeaf.get(e.stream_id);
        assert.equal(e.stream_prev, prevLeaf ? hashRef(prevLeaf) : null, `seq ${next}: stream_prev chains the stream`);
        lastLeaf.set(e.stream_id, leaf);
        for (const node of frontier.append(leaf)) {
          if (node.level === 0) continue;
          producedNodes++;
          const stored = storedNodes.get(`${node.level}:${node.index}`);
          assert.ok(stored, `subtree ${node.level}/${node.index} is stored`);
          assert.deepEqual(stored, Buffer.from(node.hash), `subtree ${node.level}/${node.index} hash`);
        }
        next++;
        checkCheckpointAt(next);
      }
      if (page.length < PAGE) break;
    }

    const size = next;
    assert.equal(storedNodes.size, producedNodes, 'no stored subtree beyond the recomputed ones');
    assert.equal(checkedCheckpoints, checkpoints.length, 'every checkpoint is of a size the log reached');
    const latest = checkpoints.at(-1);
    assert.ok(latest, 'a checkpoint exists');
    assert.equal(Number(latest.tree_size), size, 'the latest checkpoint covers the whole log');
    const missing = reported.filter((n) => !seen.has(n));
    assert.deepEqual(missing.slice(0, 20), [], `${missing.length} committed entries are missing from the log`);

    const report = await verifyLedger(new StoreLedgerSource(store.db), { origin: ORIGIN, verifiers: [verifier] });
    assert.equal(report.ok, true, `verifyLedger: ${JSON.stringify(report.first_problem)}`);
    assert.equal(report.entries_checked, size);
    assert.equal(report.tree_size, size);
    assert.equal(report.checkpoints_checked, checkpoints.length);
    t.diagnostic(
      `log: ${size} entries, ${checkpoints.length} checkpoints, ${producedNodes} subtree nodes; ` +
        `${size - new Set(reported).size} committed but unreported entries (killed between COMMIT and the report)`,
    );
  } finally {
    await store.close();
  }
});
