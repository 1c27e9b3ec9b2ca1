import type { OidcIssuerConfig } from '../identity/oidc/issuer-config.ts';
import type { SpiffeConfig, TlsFilesConfig } from '../identity/spiffe/spiffe-config.ts';

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
 * Enforcement event sinks and alert targets (DESIGN §3.6). The alert secrets (the
 * PagerDuty routing key, the Slack webhook URL, which is a credential) are never held
 * here: `{ kind: 'env' }` says they are set, and the event pipeline reads them from the
 * environment where it builds the targets (like the master key).
 */
export interface EventsConfig {
  /** JSON lines of every event on stdout (`WRIT_EVENTS_STDOUT`, default off). */
  stdout: boolean;
  /** POST every event as JSON here (`WRIT_EVENTS_WEBHOOK_URL`). */
  webhookUrl: string | undefined;
  /** Publish every event on `<subject>.<event_type>` (`WRIT_EVENTS_NATS_SUBJECT`; needs a NATS connection). */
  natsSubject: string | undefined;
  /** `WRIT_SLACK_WEBHOOK_URL` is set (environment only). */
  slack: { webhookUrl: { kind: 'env' } } | undefined;
  /** `WRIT_PAGERDUTY_ROUTING_KEY` is set (environment only); `url` from `WRIT_PAGERDUTY_URL`. */
  pagerduty: { url: string; routingKey: { kind: 'env' } } | undefined;
  /** Alerts link `<base>/<alert kind>` as their runbook (`WRIT_RUNBOOK_BASE_URL`). */
  runbookBaseUrl: string | undefined;
}

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
  /** NATS servers for revocation propagation across replicas (`WRIT_NATS_URL`, comma-separated); undefined ⇒ PostgreSQL LISTEN/NOTIFY only. */
  natsUrl: string | undefined;
  /** A replica's revocation view older than this is stale: the gateway denies REVOCATION_UNCERTAIN (`WRIT_REVOCATION_STALENESS_MS`, default 5000). */
  revocationStalenessMs: number;
  /** How often a replica re-checks its revocation view against the store (`WRIT_REVOCATION_RESYNC_MS`, default 1000, below the staleness bound). */
  revocationResyncMs: number;
  /** Grace window of a draining enforcement epoch (`WRIT_EPOCH_GRACE_SECONDS`, default 60). */
  epochGraceSeconds: number;
  /** The config file that was read, if any. */
  configFile: string | undefined;
  /**
   * Trusted OpenID Providers for human identity (`oidc.issuers` in writ.yaml, or one
   * issuer from `WRIT_OIDC_ISSUER` + `WRIT_OIDC_AUDIENCE`, which then replaces the file's list).
   */
  oidc: { issuers: OidcIssuerConfig[] };
  /** Serve the built-in dev identity provider (`WRIT_DEV_IDP`); default on in dev mode, refused in production. */
  devIdp: boolean;
  /** Workload identity: trusted SPIFFE trust domains, JWT-SVID audience, the dev CA (`spiffe` in writ.yaml, `WRIT_SPIFFE_*`). */
  spiffe: SpiffeConfig;
  /** The server's TLS certificate and key (`WRIT_TLS_CERT_FILE` + `WRIT_TLS_KEY_FILE`); undefined ⇒ plain HTTP. */
  tls: TlsFilesConfig | undefined;
  /** Enforcement event sinks and alert targets. */
  events: EventsConfig;
  /** The governed policy lifecycle (`WRIT_POLICY_*`). */
  policyLifecycle: PolicyLifecycleConfig;
}

/**
 * The governed policy lifecycle's settings.
 *
 * @example
 * ```ts
 * const p: PolicyLifecycleConfig = { approverGroups: ['platform-security'], shadowMinHours: 24, requireShadow: true };
 * ```
 */
export interface PolicyLifecycleConfig {
  /** Groups a policy's `@approver_groups` may name (`WRIT_POLICY_APPROVER_GROUPS`, comma-separated); lint refuses others. */
  approverGroups: string[];
  /** Default minimum observation time of a shadow run before its candidate may be activated (`WRIT_POLICY_SHADOW_MIN_HOURS`, default 24). */
  shadowMinHours: number;
  /** Refuse to activate a bundle that was never active unless a shadow run of it met its criteria (`WRIT_POLICY_REQUIRE_SHADOW`; default on in production, off in dev). */
  requireShadow: boolean;
}
