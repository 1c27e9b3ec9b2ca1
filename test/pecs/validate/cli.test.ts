/** `writ pecs validate FILE…` in process: JSON and YAML, several files, --json, exit codes. */
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { pecsValidate, registerPecsValidateCommand, type PecsFileValidation } from '../../../src/cli/commands/pecs-validate.ts';
import { pecsExamples } from '../../../src/pecs/examples/load-examples.ts';
import { captureContext } from '../../policy/helpers/capture-context.ts';
import { deleteAt, setAt } from '../schemas/json-edit.ts';

const dir = mkdtempSync(join(tmpdir(), 'writ-pecs-validate-'));
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const validJson = write('base.json', JSON.stringify(pecsExamples().base, null, 2));
const validYaml = write('k8s.yaml', stringify(pecsExamples()['kubernetes-rbac']));
const invalidYaml = (() => {
  const doc = pecsExamples()['os-sudo'];
  setAt(doc, '/privilegedExecutionSurface/0/osSudoControls/nopasswd', 'yes');
  deleteAt(doc, '/metadata/title');
  return write('sudo.yml', stringify(doc));
})();
const brokenYaml = write('broken.yaml', 'schemaVersion: "1.0.0"\nsystem:\n  name: [unclosed\n');
const brokenJson = write('broken.json', '{\n  "schemaVersion": "1.0.0",\n  oops\n}\n');

test('valid JSON and YAML files exit 0, one verdict line each', () => {
  const { ctx, stdout } = captureContext(false);
  assert.equal(pecsValidate([validJson, validYaml], ctx), 0);
  assert.equal(stdout(), `${validJson}: valid (base schema)\n${validYaml}: valid (kubernetes-rbac profile)\n`);
});

test('an invalid YAML file exits 1 and lists each error with its pointer', () => {
  const { ctx, stdout } = captureContext(false);
  assert.equal(pecsValidate([validJson, invalidYaml], ctx), 1);
  const text = stdout();
  assert.match(text, new RegExp(`^${invalidYaml}: INVALID \\(os-sudo profile\\): 2 errors$`, 'm'));
  assert.match(text, /^ {2}\/metadata\/title {2}required {2}missing required property 'title'$/m);
  assert.match(text, /^ {2}\/privilegedExecutionSurface\/0\/osSudoControls\/nopasswd {2}type {2}must be boolean$/m);
});

test('--json prints one result per file, in argument order', () => {
  const { ctx, stdout } = captureContext(true);
  assert.equal(pecsValidate([invalidYaml, validYaml], ctx), 1);
  const results = JSON.parse(stdout()) as PecsFileValidation[];
  assert.deepEqual(
    results.map((r) => [r.file, r.valid, r.profile, r.readError, r.errors.length]),
    [
      [invalidYaml, false, 'os-sudo', null, 2],
      [validYaml, true, 'kubernetes-rbac', null, 0],
    ],
  );
});

test('unparseable files exit 2, name the line, and do not stop the other files', () => {
  const { ctx, stdout } = captureContext(true);
  assert.equal(pecsValidate([brokenYaml, invalidYaml, brokenJson, '/nonexistent/p.json'], ctx), 2);
  const results = JSON.parse(stdout()) as PecsFileValidation[];
  assert.match(results[0]!.readError ?? '', new RegExp(`^${brokenYaml}:\\d+: invalid YAML`));
  assert.equal(results[1]!.readError, null);
  assert.equal(results[1]!.errors.length, 2);
  assert.match(results[2]!.readError ?? '', new RegExp(`^${brokenJson}:3: invalid JSON`));
  assert.match(results[3]!.readError ?? '', /cannot read/);
});

test('registered as `pecs validate`, the command sets the exit code', async () => {
  const { ctx } = captureContext(true);
  const program = new Command().exitOverride();
  registerPecsValidateCommand(program.command('pecs'), () => ctx);
  await program.parseAsync(['node', 'writ', 'pecs', 'validate', validYaml, invalidYaml]);
  assert.equal(process.exitCode, 1);
});
