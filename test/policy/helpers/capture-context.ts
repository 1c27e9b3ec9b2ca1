/** A CliContext whose output is captured, for in-process CLI tests of offline commands. */
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { loadConfig } from '../../../src/config/load-config.ts';
import type { CliContext } from '../../../src/cli/context.ts';
import { createOutput } from '../../../src/cli/output.ts';

/** The configuration offline commands read (approver groups): the defaults, with `env` on top. */
const configOf = (env: NodeJS.ProcessEnv) => loadConfig({ env: { WRIT_HOME: tmpdir(), ...env }, cwd: tmpdir() });

export function captureContext(json: boolean, env: NodeJS.ProcessEnv = {}): { ctx: CliContext; stdout: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  const offline = () => {
    throw new Error('this command is offline');
  };
  return { ctx: { out: createOutput(json, sink, sink), env: {}, config: () => configOf(env), client: offline }, stdout: () => text };
}
