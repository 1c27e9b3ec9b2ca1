import { Writable } from 'node:stream';
import { Command } from 'commander';
import { WritClient } from '../../src/cli/client.ts';
import type { CliContext } from '../../src/cli/context.ts';
import { createOutput } from '../../src/cli/output.ts';
import type { WritConfig } from '../../src/config/config.ts';

/** Options of {@link runCommand}. */
export interface CliRunOptions {
  /** Server address the command's client talks to. */
  addr: string;
  home: string;
  /** Bearer credential of the command's default client (the admin credential). */
  token: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  /** The command's configuration, for commands that read it. */
  config?: () => WritConfig;
  /** Swallow commander's own usage/error output (tests that expect failures). */
  quiet?: boolean;
}

/**
 * Runs one `writ …` command line in process against a test server, with the
 * commands `register` adds; returns what the command printed (stdout and progress).
 *
 * @example
 * ```ts
 * const out = await runCommand(registerSignalCommands, { addr, home: s.home, token: s.adminToken, json: true }, 'signals');
 * ```
 */
export async function runCommand(register: (program: Command, ctx: () => CliContext) => unknown, o: CliRunOptions, ...args: string[]): Promise<string> {
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  const ctx: CliContext = {
    out: createOutput(Boolean(o.json), sink, sink),
    env: o.env ?? {},
    config:
      o.config ??
      (() => {
        throw new Error('this command reads no configuration in tests');
      }),
    client: () => new WritClient({ addr: o.addr, home: o.home, token: o.token }),
  };
  const program = new Command().exitOverride();
  if (o.quiet) program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  register(program, () => ctx);
  await program.parseAsync(['node', 'writ', ...args]);
  return text;
}
