import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FINDING_RULES } from '../../../src/pecs/assess/finding-catalog.ts';
import { CRITERION_CHECKS } from '../../../src/pecs/assess/maturity-criteria-checks.ts';
import { MATURITY_CRITERIA, MATURITY_DIMENSIONS } from '../../../src/pecs/assess/maturity-model.ts';
import { GATE_REASONS } from '../../../src/pecs/gate/gate-reasons.ts';

const doc = readFileSync(new URL('../../../docs/pecs-maturity.md', import.meta.url), 'utf8');

test('docs/pecs-maturity.md says the model is Writ\'s, not published by PECS v0.2', () => {
  assert.match(doc, /does \*\*not\*\* define maturity dimensions, levels or scoring rules/);
  assert.match(doc, /\*\*designed by Writ\*\*/);
});

test('every dimension has a section and every criterion its row (id, level, text, fields) in the doc', () => {
  for (const d of MATURITY_DIMENSIONS) assert.ok(doc.includes(`### \`${d}\``), d);
  for (const c of MATURITY_CRITERIA) {
    const row = `| ${c.level} | **${c.id}** ${c.text.replace(/\|/g, '\\|')} | ${c.fields.map((f) => `\`${f}\``).join(', ')} |`;
    assert.ok(doc.includes(row), `row of ${c.id}`);
  }
});

test('the model: four cumulative levels per dimension, unique criterion ids, a check for each', () => {
  const ids = MATURITY_CRITERIA.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const d of MATURITY_DIMENSIONS) assert.deepEqual([...new Set(MATURITY_CRITERIA.filter((c) => c.dimension === d).map((c) => c.level))], [1, 2, 3, 4], d);
  assert.deepEqual(Object.keys(CRITERION_CHECKS).sort(), [...ids].sort());
});

test('the finding table and the gate reasons in the doc match the code', () => {
  FINDING_RULES.forEach((r, i) => {
    assert.equal(r.id, `PECS-A-${String(i + 1).padStart(3, '0')}`, 'ids are dense and in order');
    assert.ok(doc.includes(`| ${r.id} | ${r.severity} | ${r.dimension} | ${r.title} | ${r.remediation} |`), r.id);
  });
  for (const [code, meaning] of Object.entries(GATE_REASONS)) assert.ok(doc.includes(`| \`${code}\` | ${meaning} |`), code);
});
