import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPastExpiry, isProductionEnvironment } from '../../../src/pecs/assess/entry-point-facts.ts';
import { findingId, levelWeight } from '../../../src/pecs/assess/gap-analysis.ts';
import { joinPointer } from '../../../src/pecs/assess/loose-access.ts';

test('isProductionEnvironment: a word prod/production/prd/live, not a substring', () => {
  for (const yes of ['production', 'Prod', 'prod-eu', 'eu_prod', 'LIVE', 'prd']) assert.equal(isProductionEnvironment(yes), true, yes);
  for (const no of ['preprod', 'staging', 'productivity', '', null]) assert.equal(isProductionEnvironment(no), false, String(no));
});

test('isPastExpiry: at or before now is past; absent is not; unparsable counts as past', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  assert.equal(isPastExpiry('2026-06-01T00:00:00Z', now), true);
  assert.equal(isPastExpiry('2026-06-01T00:00:01Z', now), false);
  assert.equal(isPastExpiry(null, now), false);
  assert.equal(isPastExpiry('next tuesday', now), true);
});

test('findingId: <rule>:<subject>, hashed when too long or not identifier-safe', () => {
  assert.equal(findingId('PECS-A-001', 'deploy'), 'PECS-A-001:deploy');
  const long = findingId('PECS-A-005', `${'x'.repeat(120)}:entry`);
  assert.match(long, /^PECS-A-005:h-[0-9a-f]{24}$/);
  assert.equal(findingId('PECS-A-005', `${'x'.repeat(120)}:entry`), long, 'stable');
  assert.match(findingId('PECS-A-007', '#0'), /^PECS-A-007:h-/);
});

test('levelWeight and joinPointer', () => {
  assert.deepEqual(['info', 'low', 'moderate', 'high', 'critical', 'unknown'].map(levelWeight), [0, 1, 2, 3, 4, 2]);
  assert.equal(joinPointer('/a', 'b/c', 'd~e', 0), '/a/b~1c/d~0e/0');
});
