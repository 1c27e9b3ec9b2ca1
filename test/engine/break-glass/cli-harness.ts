/**
 * Runs `writ …` command lines in-process against a listening {@link HumanTestServer},
 * capturing what they print.
 */
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { WritClient } from '../../../src/cli/client.ts';
import type { CliContext } from '../../../src/cli/context.ts';
import { createOutput } from '../../../src/cli/output.ts';
import type { HumanTestServer } from './human-server.ts';

/** What one command printed, and the exit code it asked for (`process.exitCode`). */
export interface CliRun {
  out: string;
  exitCode: number;
}

/** A runner bound to a server listening at `addr`; `register` adds the commands under test. */
export function cliRunner(s: HumanTestServer, addr: string, register: (program: Command, ctx: () => CliContext) => unknown) {
  return async (json: boolean, ...args: string[]): Promise<CliRun> => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        out += String(chunk);
        cb();
      },
    });
    const ctx: CliContext = {
      out: createOutput(json, sink, sink),
      env: {},
      config: () => s.deps.config,
      client: () => new WritClient({ addr, home: s.home, token: s.adminToken, env: {} }),
    };
    const program = new Command().exitOverride().configureOutput({ writeOut: (t) => void (out += t), writeErr: (t) => void (out += t) });
    register(program, () => ctx);
    for (const cmd of program.commands) {
      cmd.exitOverride();
      for (const sub of cmd.commands) sub.exitOverride();
    }
    const saved = process.exitCode;
    process.exitCode = undefined;
    try {
      await program.parseAsync(['node', 'writ', ...args]);
      const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
      return { out, exitCode: code };
    } finally {
      process.exitCode = saved;
    }
  };
}
