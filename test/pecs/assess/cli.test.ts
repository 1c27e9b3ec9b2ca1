import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { pecsAssess, registerPecsAssessCommand } from '../../../src/cli/commands/pecs-assess.ts';
import type { PecsDocument } from '../../../src/pecs/document.ts';
import { validatePecsDocument } from '../../../src/pecs/validate/validate-document.ts';
import { captureContext } from '../../policy/helpers/capture-context.ts';
import { matureProfile, setAt } from './fixtures.ts';

const NOW = '2026-06-01T00:00:00Z';
const dir = mkdtempSync(join(tmpdir(), 'writ-pecs-assess-'));
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const withFinding = () => setAt(matureProfile(), '/privilegedExecutionSurface/0/invocationContract/failureMode', 'best-effort');

test('default: a human summary with levels, findings and tasks; exit 0 even with findings', () => {
  const { ctx, stdout } = captureContext(false);
  assert.equal(pecsAssess(file('p.json', JSON.stringify(withFinding())), ctx, { now: NOW }), 0);
  assert.match(stdout(), /^overall {2}level 1$/m);
  assert.match(stdout(), /^ {2}runtime-enforcement {8}1$/m);
  assert.match(stdout(), /^ {2}critical {2}PECS-A-001:deploy-production {2}Critical entry point fails open/m);
  assert.match(stdout(), /^ {2}1\. \[16\] Set invocationContract\.failureMode to fail-closed/m);
});

test('--json prints the pecs-assessment document, which validates; YAML input is read too', () => {
  const { ctx, stdout } = captureContext(true);
  assert.equal(pecsAssess(file('p.yaml', stringify(withFinding())), ctx, { now: NOW }), 0);
  const doc = JSON.parse(stdout()) as PecsDocument;
  assert.equal(doc.documentType, 'pecs-assessment');
  assert.deepEqual(validatePecsDocument(doc).errors, []);
  assert.deepEqual((doc.gapAnalysis as { findings: Array<{ id: string }> }).findings.map((f) => f.id), ['PECS-A-001:deploy-production']);
});

test('--markdown prints the report', () => {
  const { ctx, stdout } = captureContext(false);
  assert.equal(pecsAssess(file('m.json', JSON.stringify(matureProfile())), ctx, { markdown: true, now: NOW }), 0);
  assert.match(stdout(), /^# PECS maturity assessment: shop-release$/m);
  assert.match(stdout(), /^- \*\*Overall level: 4 \(assured\)\*\*$/m);
  assert.match(stdout(), /^## Findings \(0\)$/m);
});

test('an invalid document exits 1 and prints each validation error with its pointer', () => {
  const { ctx, stdout } = captureContext(false);
  const bad = setAt(matureProfile(), '/privilegedExecutionSurface/0/invocationContract/failureMode', 'maybe');
  assert.equal(pecsAssess(file('bad.json', JSON.stringify(bad)), ctx, { now: NOW }), 1);
  assert.match(stdout(), /not a valid PECS document/);
  assert.match(stdout(), /^ {2}\/privilegedExecutionSurface\/0\/invocationContract\/failureMode: /m);
});

test('an unreadable or unparsable file exits 2; a bad --now exits 2', () => {
  const missing = captureContext(true);
  assert.equal(pecsAssess(join(dir, 'nope.json'), missing.ctx, {}), 2);
  assert.equal((JSON.parse(missing.stdout()) as { error: string }).error, 'FILE_UNREADABLE');
  const broken = captureContext(false);
  assert.equal(pecsAssess(file('broken.json', '{"a": '), broken.ctx, {}), 2);
  const clock = captureContext(false);
  assert.equal(pecsAssess(file('ok.json', JSON.stringify(matureProfile())), clock.ctx, { now: 'soon' }), 2);
});

test('registered as `pecs assess FILE`, setting the exit code on an invalid document', async () => {
  const { ctx } = captureContext(true);
  const program = new Command().exitOverride();
  registerPecsAssessCommand(program.command('pecs'), () => ctx);
  await program.parseAsync(['node', 'writ', 'pecs', 'assess', file('x.json', '{"schemaVersion":"1.0.0"}')]);
  assert.equal(process.exitCode, 1);
});
