import { loadConfig } from '../config/load-config.ts';
import type { WritConfig } from '../config/config.ts';
import { WritClient } from './client.ts';
import { createOutput, type Output } from './output.ts';

/** Global options every command accepts. */
export interface GlobalOptions {
  json?: boolean;
  debug?: boolean;
  addr?: string;
  home?: string;
}

/** What a command gets: output, config and an API client, each made on first use. */
export interface CliContext {
  out: Output;
  env: NodeJS.ProcessEnv;
  config(overrides?: { listen?: string }): WritConfig;
  client(): WritClient;
}

/**
 * Builds a {@link CliContext} from the global options.
 *
 * @example
 * ```ts
 * const ctx = createContext({ json: true }, process.env);
 * ```
 */
export function createContext(opts: GlobalOptions, env: NodeJS.ProcessEnv): CliContext {
  const out = createOutput(Boolean(opts.json));
  const config = (extra: { listen?: string } = {}) =>
    loadConfig({
      env,
      overrides: {
        ...(opts.home ? { home: opts.home } : {}),
        ...(opts.addr ? { addr: opts.addr } : {}),
        ...(extra.listen ? { listen: extra.listen } : {}),
      },
    });
  return {
    out,
    env,
    config,
    client() {
      const c = config();
      return new WritClient({ addr: c.addr, home: c.home, env });
    },
  };
}
