/**
 * Property: for random intents and signal states, the default bundle decides exactly
 * what a plain-TypeScript restatement of its rules ({@link reference}) decides:
 * verdict, deny code, determining policy ids and obligations.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { intentArb, reference, signalsArb } from './helpers/default-bundle-reference.ts';
import type { CompiledBundle } from '../../src/policy/compile-bundle.ts';
import { DEFAULT_BUNDLE_DIR } from '../../src/policy/default-bundle.ts';
import { evaluateIntent } from '../../src/policy/evaluate.ts';
import { loadBundleDir } from '../../src/policy/load-bundle.ts';

let bundle: CompiledBundle;
before(() => {
  bundle = loadBundleDir(DEFAULT_BUNDLE_DIR);
});

test('the default bundle decides like the plain-TypeScript reference of its rules', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  fc.assert(
    fc.property(intentArb, signalsArb, (intent, signals) => {
      const d = evaluateIntent(bundle, { intent, signals, now });
      const e = reference(intent, signals);
      assert.deepEqual(
        { verdict: d.verdict, deny_code: d.deny_code, reasons: d.reasons, obligations: d.obligations },
        e,
        JSON.stringify({ intent, signals, errors: d.errors }),
      );
    }),
    { numRuns: 3000 },
  );
});
