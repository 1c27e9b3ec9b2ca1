#!/usr/bin/env node
// Runs the whole suite with node's test runner via tsx.
// WRIT_TEST_STORE=pglite (default) uses the embedded store; =postgres uses WRIT_TEST_DATABASE_URL.
// Extra arguments are test file paths or globs to run instead of the whole suite.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const args = process.argv.slice(2);
const files = args.length > 0 ? args : findTests(join(root, 'test')).sort();
const store = process.env.WRIT_TEST_STORE ?? 'pglite';
if (store === 'postgres' && !process.env.WRIT_TEST_DATABASE_URL) {
  process.env.WRIT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/writ_test';
}
console.log(`writ tests: ${files.length} files on store=${store}`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, WRIT_TEST_STORE: store } },
);
process.exit(result.status ?? 1);
