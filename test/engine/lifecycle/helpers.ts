/** Shared fixtures of the policy lifecycle tests. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { BundleDocument } from '../../../src/policy/bundle-document.ts';
import { DEFAULT_BUNDLE_DIR } from '../../../src/policy/default-bundle.ts';
import { loadBundleDir } from '../../../src/policy/load-bundle.ts';

/**
 * The default bundle whose phase-hold forbid applies to prod only, so a hold on a
 * staging target no longer blocks (one verdict flips); the test case that says
 * otherwise is dropped. Every required decision class still passes.
 */
export function prodOnlyHoldCandidate(version = '1.1.0-shadow'): BundleDocument {
  const doc = structuredClone(loadBundleDir(DEFAULT_BUNDLE_DIR).document) as BundleDocument;
  const from = 'forbid (principal, action == Writ::Action::"promotion", resource is Writ::Environment)\nwhen {\n  context.signals.phase_hold.global ||';
  const policies = doc.policies.map((f) => {
    if (f.file !== 'promotion.cedar') return f;
    assert.ok(f.text.includes(from), 'the phase-hold forbid is where the test expects it');
    return { ...f, text: f.text.replace(from, 'forbid (principal, action == Writ::Action::"promotion", resource is Writ::Environment)\nwhen { resource.tier == "prod" } when {\n  context.signals.phase_hold.global ||') };
  });
  const tests = doc.tests.map((t) => ({ ...t, cases: t.cases.filter((c) => c.name !== 'a phase hold on the target forbids staging promotion too') }));
  return { ...doc, manifest: { ...doc.manifest, version }, policies, tests };
}

/** Writes a bundle document as a bundle directory (the same document reads back). */
export function writeBundleDocument(doc: BundleDocument, dir: string): string {
  mkdirSync(join(dir, 'policies'), { recursive: true });
  mkdirSync(join(dir, 'tests'), { recursive: true });
  writeFileSync(join(dir, 'bundle.yaml'), stringify(doc.manifest));
  writeFileSync(join(dir, 'schema.cedarschema'), doc.schema);
  for (const p of doc.policies) writeFileSync(join(dir, 'policies', p.file), p.text);
  for (const t of doc.tests) writeFileSync(join(dir, 'tests', t.file), stringify({ cases: t.cases }));
  return dir;
}

/** Makes `dir` a git repository with everything in it committed; returns the commit. */
export function commitAll(dir: string, message = 'policy change'): string {
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.email=test@writ.test', '-c', 'user.name=writ test', ...args], { encoding: 'utf8' });
  if (!existsSync(join(dir, '.git'))) git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD').trim();
}
