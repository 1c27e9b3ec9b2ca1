import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../src/common/clock.ts';
import { Keyring } from '../../src/crypto/keyring/keyring.ts';
import { LocalKeyProvider } from '../../src/crypto/keyring/local-key-provider.ts';
import { LedgerSequencer, type SequencerOptions } from '../../src/ledger/sequencer.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore } from './test-store.ts';

/** A fresh store with a keyring (token + ledger keys) and a sequencer that is not started. */
export interface TestLedger {
  store: Store;
  keyring: Keyring;
  clock: ManualClock;
  sequencer: LedgerSequencer;
  origin: string;
  close(): Promise<void>;
}

/** Builds a {@link TestLedger}; pass sequencer options to override batching. */
export async function openTestLedger(options: Partial<SequencerOptions> = {}): Promise<TestLedger> {
  const store = await openTestStore();
  const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
  const keyring = new Keyring({ store, provider: new LocalKeyProvider(randomBytes(32)), clock });
  await keyring.ensureActiveKey('token');
  await keyring.ensureActiveKey('ledger');
  const origin = 'writ.test/ledger';
  const sequencer = new LedgerSequencer({ store, keyring, clock, origin, ...options });
  return {
    store, keyring, clock, sequencer, origin,
    async close() {
      await sequencer.stop();
      await store.close();
    },
  };
}
