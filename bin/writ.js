#!/usr/bin/env node
// Entry point of the `writ` command. Runs the TypeScript sources through tsx, or the
// compiled build when `npm run build` has produced dist/.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/cli/main.js', import.meta.url);
let runCli;
if (existsSync(dist) && !process.env.WRIT_FROM_SOURCE) {
  ({ runCli } = await import(dist.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import('../src/cli/main.ts'));
}
const code = await runCli(process.argv);
process.exitCode = code;
