import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ClientError, WritClient } from './client.ts';
import type { CliContext } from './context.ts';

/** How a CLI command obtains a human's OIDC ID token. */
export interface HumanTokenOptions {
  /** Dev mode: a named user of the built-in dev identity provider (`alice`, `bob`, …). */
  devUser?: string;
  /** A file holding an ID token obtained elsewhere (`-` is standard input is not supported: tokens are secrets, use a file). */
  idTokenFile?: string;
}

/**
 * An OIDC ID token for the person running the command: from the dev identity
 * provider (`--dev-user`, dev mode only; `nonce` is bound into the token), from
 * `--id-token-file`, or from `WRIT_ID_TOKEN`.
 *
 * @throws {ClientError} `IDENTITY_REQUIRED` when none of them is given.
 *
 * @example
 * ```ts
 * const idToken = await humanIdToken(ctx, { devUser: 'alice' }, binding);
 * const client = humanClient(ctx, idToken);
 * ```
 */
export async function humanIdToken(ctx: CliContext, options: HumanTokenOptions, nonce?: string): Promise<string> {
  if (options.devUser) {
    const res = await ctx.client().post<{ id_token: string }>('/dev-idp/token', { user: options.devUser, ...(nonce ? { nonce } : {}) });
    return res.id_token;
  }
  const fromFile = options.idTokenFile ? readFileSync(options.idTokenFile, 'utf8').trim() : undefined;
  const token = fromFile ?? ctx.env.WRIT_ID_TOKEN?.trim();
  if (!token) throw new ClientError('IDENTITY_REQUIRED', 'this command acts as a person: pass --dev-user NAME (dev mode), --id-token-file FILE, or set WRIT_ID_TOKEN');
  return token;
}

/**
 * An API client that authenticates as the human holding `idToken` (instead of the
 * local admin credential).
 *
 * @example
 * ```ts
 * await humanClient(ctx, idToken).get('/v1/approvals/pending');
 * ```
 */
export function humanClient(ctx: CliContext, idToken: string): WritClient {
  return new WritClient({ addr: ctx.client().addr, home: '', token: idToken, env: {} });
}

/**
 * The local admin credential, or the person named by `--dev-user` / `--id-token-file`.
 *
 * @example
 * ```ts
 * const client = await clientFor(ctx, { devUser: 'carol' });
 * ```
 */
export async function clientFor(ctx: CliContext, options: HumanTokenOptions): Promise<WritClient> {
  return options.devUser || options.idTokenFile ? humanClient(ctx, await humanIdToken(ctx, options)) : ctx.client();
}

/**
 * Adds `--dev-user` and `--id-token-file` (who acts) to a command.
 *
 * @example
 * ```ts
 * identityOptions(policy.command('bundles')).action(async (opts: HumanTokenOptions) => …);
 * ```
 */
export function identityOptions(cmd: Command): Command {
  return cmd
    .option('--dev-user <name>', 'act as this dev identity provider user (dev mode only); default: the local admin credential')
    .option('--id-token-file <file>', 'act as the person whose OIDC ID token is in this file');
}
