/**
 * Fault: PostgreSQL restarted under a running ledger sequencer. Leadership is a
 * session advisory lock (DESIGN §3.7: one sequencer at a time), so it dies with the
 * server's sessions: after the restart the sequencer must notice and win it again
 * (exactly one session holds the lock), and a sequencer started afterwards on another
 * pool must not also become leader. Private PostgreSQL cluster; skips (with the
 * reason) when one cannot run here, WRIT_FAULT_TESTS_REQUIRED=1 makes that a failure.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import { systemClock } from '../../../src/common/clock.ts';
import { Keyring } from '../../../src/crypto/keyring/keyring.ts';
import { LocalKeyProvider } from '../../../src/crypto/keyring/local-key-provider.ts';
import { LedgerSequencer } from '../../../src/ledger/sequencer.ts';
import { openPostgresStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { pgInstanceUnavailable, startPgInstance, type PgInstance } from '../../harness/pg-instance.ts';
import { waitFor } from './replica.ts';

/** The sequencer's leadership lock key (src/ledger/sequencer.ts, 'WRL1'). */
const LEADER_LOCK = 0x57524c31;

let pgi: PgInstance | undefined;
let skip: string | false = pgInstanceUnavailable();
if (!skip) {
  try {
    pgi = await startPgInstance();
  } catch (err) {
    skip = `a private PostgreSQL cannot run here: ${(err as Error).message.split('\n')[0]}`;
  }
}
if (skip && process.env.WRIT_FAULT_TESTS_REQUIRED === '1') throw new Error(skip);

const stores: Store[] = [];
const sequencers: LedgerSequencer[] = [];
after(async () => {
  try {
    for (const s of sequencers) await s.stop().catch(() => undefined);
    for (const s of stores) await s.close().catch(() => undefined);
  } finally {
    await pgi?.destroy();
  }
});

test('after a PostgreSQL restart the sequencer wins leadership again, and only one sequencer leads', { skip, timeout: 60_000 }, async (t) => {
  const pg = pgi as PgInstance;
  const open = async (max: number) => {
    const s = await openPostgresStore(pg.url(), { max, connectTimeoutMs: 1000 });
    stores.push(s);
    return s;
  };
  const a = await open(4);
  const keyring = new Keyring({ store: a, provider: new LocalKeyProvider(randomBytes(32)), clock: systemClock });
  await keyring.ensureActiveKey('ledger');
  const sequencer = (store: Store) => {
    const s = new LedgerSequencer({ store, keyring, clock: systemClock, origin: 'writ.test/faults', idlePollMs: 20 });
    sequencers.push(s);
    return s;
  };
  const held = async () => (await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = ${LEADER_LOCK} and granted`.execute(a.db)).rows[0]?.n ?? -1;

  const first = sequencer(a);
  await first.start();
  await waitFor(async () => first.isLeader && (await held()) === 1, 10_000, 'leadership before the restart');

  await pg.crash();
  await pg.start();
  // The lock died with its session: the sequencer must notice and win it again.
  await waitFor(async () => (await held().catch(() => -1)) === 1 && first.isLeader, 10_000, 'the sequencer to hold the leadership lock again').catch((err: Error) => {
    throw new Error(`${err.message} (isLeader=${first.isLeader})`);
  });

  const second = sequencer(await open(2));
  await second.start();
  await new Promise((r) => setTimeout(r, 1500)); // longer than the 1 s retry of a sequencer that lost the race
  t.diagnostic(`after the restart: first.isLeader=${first.isLeader}, second.isLeader=${second.isLeader}, leader locks held=${await held()}`);
  assert.equal(second.isLeader, false, 'a second sequencer does not lead while the first does');
  assert.equal(await held(), 1);
});
