import type { OidcIssuerConfig } from '../identity/oidc/issuer-config.ts';

/** Where Writ runs: `dev` allows the embedded shortcuts, `production` refuses them. */
export type WritMode = 'dev' | 'production';

/** A host and port to listen on. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** Where the master key comes from. The key itself is never part of the config object. */
export type MasterKeySource =
  | { kind: 'env' }
  | { kind: 'file'; path: string; generateIfMissing: boolean };

/**
 * Validated Writ configuration. Produced only by {@link loadConfig}.
 *
 * @example
 * ```ts
 * const config = loadConfig({ env: process.env });
 * config.listen; // { host: '127.0.0.1', port: 8787 }
 * ```
 */
export interface WritConfig {
  mode: WritMode;
  /** Absolute path of the Writ home directory. */
  home: string;
  /** PostgreSQL URL; undefined means the embedded PGlite store under `home/data`. */
  databaseUrl: string | undefined;
  masterKey: MasterKeySource;
  listen: ListenAddress;
  /** Base URL the CLI talks to. */
  addr: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** How long to wait for the embedded store to start, in ms. */
  storeStartTimeoutMs: number;
  /** Days after which the active signing key is rotated. */
  keyRotationDays: number;
  /** Ledger group commit: a batch closes at this many entries (N)… */
  ledgerBatchEntries: number;
  /** …or this many ms after it opened (T); every batch is one signed checkpoint. */
  ledgerBatchDelayMs: number;
  /** The config file that was read, if any. */
  configFile: string | undefined;
  /**
   * Trusted OpenID Providers for human identity (`oidc.issuers` in writ.yaml, or one
   * issuer from `WRIT_OIDC_ISSUER` + `WRIT_OIDC_AUDIENCE`, which then replaces the file's list).
   */
  oidc: { issuers: OidcIssuerConfig[] };
  /** Serve the built-in dev identity provider (`WRIT_DEV_IDP`); default on in dev mode, refused in production. */
  devIdp: boolean;
}
