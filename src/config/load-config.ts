import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { WritError } from '../errors/writ-error.ts';
import { oidcIssuerFromEnv, parseOidcSection } from '../identity/oidc/parse-oidc-config.ts';
import { parseSpiffeConfig, parseTlsFiles } from '../identity/spiffe/spiffe-config.ts';
import type { ListenAddress, WritConfig, WritMode } from './config.ts';

/** Keys accepted in `writ.yaml`; the environment variable with the same meaning wins. */
const YAML_KEYS = {
  mode: 'WRIT_MODE',
  home: 'WRIT_HOME',
  database_url: 'WRIT_DATABASE_URL',
  master_key_file: 'WRIT_MASTER_KEY_FILE',
  listen: 'WRIT_LISTEN',
  addr: 'WRIT_ADDR',
  log_level: 'WRIT_LOG_LEVEL',
  store_start_timeout_ms: 'WRIT_STORE_START_TIMEOUT_MS',
  key_rotation_days: 'WRIT_KEY_ROTATION_DAYS',
  ledger_batch_entries: 'WRIT_LEDGER_BATCH_ENTRIES',
  ledger_batch_delay_ms: 'WRIT_LEDGER_BATCH_DELAY_MS',
  nats_url: 'WRIT_NATS_URL',
  revocation_staleness_ms: 'WRIT_REVOCATION_STALENESS_MS',
  revocation_resync_ms: 'WRIT_REVOCATION_RESYNC_MS',
  epoch_grace_seconds: 'WRIT_EPOCH_GRACE_SECONDS',
  dev_idp: 'WRIT_DEV_IDP',
  tls_cert_file: 'WRIT_TLS_CERT_FILE',
  tls_key_file: 'WRIT_TLS_KEY_FILE',
  events_stdout: 'WRIT_EVENTS_STDOUT',
  events_webhook_url: 'WRIT_EVENTS_WEBHOOK_URL',
  events_nats_subject: 'WRIT_EVENTS_NATS_SUBJECT',
  pagerduty_url: 'WRIT_PAGERDUTY_URL',
  runbook_base_url: 'WRIT_RUNBOOK_BASE_URL',
  policy_approver_groups: 'WRIT_POLICY_APPROVER_GROUPS',
  policy_shadow_min_hours: 'WRIT_POLICY_SHADOW_MIN_HOURS',
  policy_require_shadow: 'WRIT_POLICY_REQUIRE_SHADOW',
} as const;

/** Secrets that are read from the environment only; `writ.yaml` refuses them. */
const ENV_ONLY_SECRETS: Readonly<Record<string, string>> = {
  master_key: 'use master_key_file',
  pagerduty_routing_key: 'set WRIT_PAGERDUTY_ROUTING_KEY in the environment',
  slack_webhook_url: 'set WRIT_SLACK_WEBHOOK_URL in the environment',
};

/** The structured section of `writ.yaml` (not a single value, so not in {@link YAML_KEYS}). */
const OIDC_SECTION = 'oidc';
/** The `spiffe` section of `writ.yaml` (workload identity; parsed by `parseSpiffeConfig`). */
const SPIFFE_SECTION = 'spiffe';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Command-line overrides, e.g. `writ serve --listen`. */
  overrides?: { listen?: string; home?: string; addr?: string };
}

function invalid(key: string, expected: string, got: unknown): WritError {
  return new WritError('CONFIG_INVALID', `${key}: expected ${expected}, got ${JSON.stringify(got)}`);
}

/**
 * Parses `HOST:PORT` (IPv6 as `[::1]:8787`).
 *
 * @example
 * ```ts
 * parseListen('WRIT_LISTEN', '0.0.0.0:9000'); // { host: '0.0.0.0', port: 9000 }
 * ```
 */
export function parseListen(key: string, value: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalid(key, 'HOST:PORT with a port from 0 to 65535', value);
  }
  return { host: (m[1] ?? m[2]) as string, port };
}

function parsePositiveInt(key: string, value: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw invalid(key, `a whole number from 1 to ${max}`, value);
  }
  return Number(value);
}

/**
 * A NATS server list (`nats://`, `tls://`, `ws://`, `wss://`, comma-separated). The error
 * never echoes the value (a URL may carry credentials).
 */
function parseNatsUrl(key: string, value: string): string {
  const servers = value.split(',').map((v) => v.trim());
  for (const server of servers) {
    let u: URL | undefined;
    try {
      u = new URL(server);
    } catch {
      u = undefined;
    }
    if (!u || !['nats:', 'tls:', 'ws:', 'wss:'].includes(u.protocol) || !u.hostname) {
      throw new WritError('CONFIG_INVALID', `${key}: expected nats://HOST:PORT (or tls://, ws://, wss://), comma-separated (value not shown)`);
    }
  }
  return servers.join(',');
}

/** The approver groups policies may name when `WRIT_POLICY_APPROVER_GROUPS` is not set. */
export const DEFAULT_APPROVER_GROUPS: readonly string[] = ['platform-engineering', 'platform-security', 'release-management', 'repository-owners', 'security-officer'];

/** The governed policy lifecycle: known approver groups, shadow-mode criteria. */
function parsePolicyLifecycleConfig(get: (key: string) => string | undefined, mode: WritMode): WritConfig['policyLifecycle'] {
  const groupsRaw = get('WRIT_POLICY_APPROVER_GROUPS');
  const approverGroups = groupsRaw === undefined ? [...DEFAULT_APPROVER_GROUPS] : groupsRaw.split(',').map((g) => g.trim()).filter((g) => g !== '');
  for (const g of approverGroups) if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(g)) throw invalid('WRIT_POLICY_APPROVER_GROUPS', 'comma-separated group names (letters, digits, . _ -)', g);
  if (approverGroups.length === 0) throw invalid('WRIT_POLICY_APPROVER_GROUPS', 'at least one group', groupsRaw);
  const hoursRaw = get('WRIT_POLICY_SHADOW_MIN_HOURS') ?? '24';
  const shadowMinHours = Number(hoursRaw);
  if (!/^\d+(\.\d+)?$/.test(hoursRaw) || shadowMinHours > 24 * 90) throw invalid('WRIT_POLICY_SHADOW_MIN_HOURS', 'hours from 0 to 2160', hoursRaw);
  const requireRaw = get('WRIT_POLICY_REQUIRE_SHADOW');
  return {
    approverGroups: [...new Set(approverGroups)].sort(),
    shadowMinHours,
    requireShadow: requireRaw === undefined ? mode === 'production' : parseSwitch('WRIT_POLICY_REQUIRE_SHADOW', requireRaw),
  };
}

/** NATS and the revocation / epoch settings of the gateway. */
function parseRevocationConfig(get: (key: string) => string | undefined): Pick<WritConfig, 'natsUrl' | 'revocationStalenessMs' | 'revocationResyncMs' | 'epochGraceSeconds'> {
  const natsRaw = get('WRIT_NATS_URL');
  const revocationStalenessMs = parsePositiveInt('WRIT_REVOCATION_STALENESS_MS', get('WRIT_REVOCATION_STALENESS_MS') ?? '5000', 600_000);
  const revocationResyncMs = parsePositiveInt('WRIT_REVOCATION_RESYNC_MS', get('WRIT_REVOCATION_RESYNC_MS') ?? String(Math.min(1000, Math.max(1, Math.floor(revocationStalenessMs / 2)))), 600_000);
  if (revocationResyncMs >= revocationStalenessMs) {
    throw invalid('WRIT_REVOCATION_RESYNC_MS', `fewer ms than WRIT_REVOCATION_STALENESS_MS (${revocationStalenessMs})`, revocationResyncMs);
  }
  const graceRaw = get('WRIT_EPOCH_GRACE_SECONDS') ?? '60';
  if (!/^\d+$/.test(graceRaw) || Number(graceRaw) > 86_400) throw invalid('WRIT_EPOCH_GRACE_SECONDS', 'a whole number from 0 to 86400', graceRaw);
  return {
    natsUrl: natsRaw === undefined ? undefined : parseNatsUrl('WRIT_NATS_URL', natsRaw),
    revocationStalenessMs,
    revocationResyncMs,
    epochGraceSeconds: Number(graceRaw),
  };
}

/** What `writ.yaml` holds: flat values keyed by their environment variable, and the raw `oidc` section. */
interface YamlValues {
  values: Record<string, string>;
  oidc: unknown;
  spiffe?: unknown;
}

function readYaml(file: string): YamlValues {
  let doc;
  try {
    doc = parseDocument(readFileSync(file, 'utf8'), { uniqueKeys: true, prettyErrors: false });
  } catch (err) {
    throw new WritError('CONFIG_INVALID', `${file}: cannot be read`, { cause: err });
  }
  if (doc.errors.length > 0) {
    throw new WritError('CONFIG_INVALID', `${file}: invalid YAML: ${doc.errors[0]?.message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return { values: {}, oidc: undefined };
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw invalid(file, 'a mapping of configuration keys', typeof data);
  }
  const out: Record<string, string> = {};
  let oidc: unknown;
  let spiffe: unknown;
  for (const [k, v] of Object.entries(data)) {
    if (k === SPIFFE_SECTION) {
      spiffe = v;
      continue;
    }
    if (k === OIDC_SECTION) {
      oidc = v;
      continue;
    }
    if (Object.hasOwn(ENV_ONLY_SECRETS, k)) {
      throw new WritError('CONFIG_INVALID', `${file}: ${k} is not allowed (a secret never goes in writ.yaml; ${ENV_ONLY_SECRETS[k]})`);
    }
    if (!(k in YAML_KEYS)) {
      throw new WritError(
        'CONFIG_INVALID',
        `${file}: unknown key "${k}" (expected one of ${[...Object.keys(YAML_KEYS), OIDC_SECTION, SPIFFE_SECTION].join(', ')})`,
      );
    }
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw invalid(`${file}: ${k}`, 'a string or number', v);
    out[YAML_KEYS[k as keyof typeof YAML_KEYS]] = String(v);
  }
  return { values: out, oidc, spiffe };
}

function parseSwitch(key: string, value: string): boolean {
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw invalid(key, '1, 0, true or false', value);
}

/**
 * Reads and validates Writ's configuration from the environment, an optional
 * `writ.yaml` (`WRIT_CONFIG`, else `./writ.yaml` when present) and command-line
 * overrides. Precedence: overrides, then environment, then file, then defaults.
 * Errors are one line and name the bad key.
 *
 * @example
 * ```ts
 * const config = loadConfig({ env: { WRIT_HOME: '/var/lib/writ' } });
 * config.databaseUrl; // undefined ⇒ embedded PGlite store
 * ```
 */
export function loadConfig(options: LoadConfigOptions = {}): WritConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicitFile = env.WRIT_CONFIG;
  const configFile = explicitFile
    ? resolve(cwd, explicitFile)
    : existsSync(resolve(cwd, 'writ.yaml'))
      ? resolve(cwd, 'writ.yaml')
      : undefined;
  if (explicitFile && !existsSync(configFile as string)) {
    throw invalid('WRIT_CONFIG', 'the path of an existing YAML file', explicitFile);
  }
  const yaml: YamlValues = configFile ? readYaml(configFile) : { values: {}, oidc: undefined };
  const fromFile = yaml.values;
  const get = (key: string): string | undefined => {
    const v = env[key];
    return v !== undefined && v !== '' ? v : fromFile[key];
  };

  const modeRaw = get('WRIT_MODE') ?? 'dev';
  if (modeRaw !== 'dev' && modeRaw !== 'production') throw invalid('WRIT_MODE', '"dev" or "production"', modeRaw);
  const mode: WritMode = modeRaw;

  const homeRaw = options.overrides?.home ?? get('WRIT_HOME') ?? './.writ';
  const home = isAbsolute(homeRaw) ? homeRaw : resolve(cwd, homeRaw);

  const databaseUrl = get('WRIT_DATABASE_URL');
  if (databaseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(databaseUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
      throw invalid('WRIT_DATABASE_URL', 'a postgres:// or postgresql:// URL', redactUrl(databaseUrl));
    }
  }

  const envKey = env.WRIT_MASTER_KEY;
  const keyFile = get('WRIT_MASTER_KEY_FILE');
  if (envKey && keyFile) {
    throw new WritError('CONFIG_INVALID', 'WRIT_MASTER_KEY: set either WRIT_MASTER_KEY or WRIT_MASTER_KEY_FILE, not both');
  }
  const masterKey: WritConfig['masterKey'] = envKey
    ? { kind: 'env' }
    : keyFile
      ? { kind: 'file', path: resolve(cwd, keyFile), generateIfMissing: false }
      : { kind: 'file', path: resolve(home, 'master.key'), generateIfMissing: true };

  const listenRaw = options.overrides?.listen ?? get('WRIT_LISTEN') ?? '127.0.0.1:8787';
  const listen = parseListen(options.overrides?.listen ? '--listen' : 'WRIT_LISTEN', listenRaw);

  const addrRaw = options.overrides?.addr ?? get('WRIT_ADDR') ?? 'http://127.0.0.1:8787';
  try {
    const u = new URL(addrRaw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw invalid('WRIT_ADDR', 'an http:// or https:// URL', addrRaw);
  }

  const logLevel = get('WRIT_LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw invalid('WRIT_LOG_LEVEL', `one of ${LOG_LEVELS.join(', ')}`, logLevel);
  }

  // One issuer from the environment replaces the file's list (the environment wins).
  const envIssuer = oidcIssuerFromEnv(env);
  const oidcIssuers = envIssuer ? [envIssuer] : parseOidcSection(yaml.oidc);
  const devIdpRaw = get('WRIT_DEV_IDP');
  const devIdp = devIdpRaw === undefined ? mode === 'dev' : parseSwitch('WRIT_DEV_IDP', devIdpRaw);

  const config: WritConfig = {
    mode,
    home,
    databaseUrl,
    masterKey,
    listen,
    addr: addrRaw.replace(/\/+$/, ''),
    logLevel: logLevel as WritConfig['logLevel'],
    storeStartTimeoutMs: parsePositiveInt('WRIT_STORE_START_TIMEOUT_MS', get('WRIT_STORE_START_TIMEOUT_MS') ?? '60000', 600_000),
    keyRotationDays: parsePositiveInt('WRIT_KEY_ROTATION_DAYS', get('WRIT_KEY_ROTATION_DAYS') ?? '30', 3650),
    ledgerBatchEntries: parsePositiveInt('WRIT_LEDGER_BATCH_ENTRIES', get('WRIT_LEDGER_BATCH_ENTRIES') ?? '1000', 100_000),
    ledgerBatchDelayMs: parsePositiveInt('WRIT_LEDGER_BATCH_DELAY_MS', get('WRIT_LEDGER_BATCH_DELAY_MS') ?? '5', 60_000),
    ...parseRevocationConfig(get),
    configFile,
    oidc: { issuers: oidcIssuers },
    devIdp,
    spiffe: parseSpiffeConfig({ section: yaml.spiffe, env, cwd, mode }),
    tls: parseTlsFiles(get, cwd),
    events: parseEventsConfig(env, get),
    policyLifecycle: parsePolicyLifecycleConfig(get, mode),
  };
  assertProductionReady(config);
  return config;
}

/** An http(s) URL; the error never echoes it (webhook URLs often carry a credential). */
function parseHttpUrl(key: string, value: string): string {
  let u: URL | undefined;
  try {
    u = new URL(value);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    throw new WritError('CONFIG_INVALID', `${key}: expected an http:// or https:// URL (value not shown)`);
  }
  return value;
}

/** The event sinks and alert targets; alert secrets only from `env`, never kept in the config. */
function parseEventsConfig(env: NodeJS.ProcessEnv, get: (key: string) => string | undefined): WritConfig['events'] {
  const stdoutRaw = get('WRIT_EVENTS_STDOUT');
  const stdout = stdoutRaw === undefined ? false : parseSwitch('WRIT_EVENTS_STDOUT', stdoutRaw === 'on' ? '1' : stdoutRaw === 'off' ? '0' : stdoutRaw);
  const webhookRaw = get('WRIT_EVENTS_WEBHOOK_URL');
  const subject = get('WRIT_EVENTS_NATS_SUBJECT');
  if (subject !== undefined && !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(subject)) {
    throw invalid('WRIT_EVENTS_NATS_SUBJECT', 'a NATS subject of dot-separated tokens without wildcards', subject);
  }
  const slackUrl = env.WRIT_SLACK_WEBHOOK_URL;
  if (slackUrl) parseHttpUrl('WRIT_SLACK_WEBHOOK_URL', slackUrl);
  const routingKey = env.WRIT_PAGERDUTY_ROUTING_KEY;
  if (routingKey && !/^[A-Za-z0-9_-]{8,128}$/.test(routingKey)) {
    throw new WritError('CONFIG_INVALID', 'WRIT_PAGERDUTY_ROUTING_KEY: expected 8-128 characters of [A-Za-z0-9_-] (value not shown)');
  }
  const pagerdutyUrl = parseHttpUrl('WRIT_PAGERDUTY_URL', get('WRIT_PAGERDUTY_URL') ?? 'https://events.pagerduty.com/v2/enqueue');
  const runbook = get('WRIT_RUNBOOK_BASE_URL');
  return {
    stdout,
    webhookUrl: webhookRaw === undefined ? undefined : parseHttpUrl('WRIT_EVENTS_WEBHOOK_URL', webhookRaw),
    natsSubject: subject,
    slack: slackUrl ? { webhookUrl: { kind: 'env' } } : undefined,
    pagerduty: routingKey ? { url: pagerdutyUrl, routingKey: { kind: 'env' } } : undefined,
    runbookBaseUrl: runbook === undefined ? undefined : parseHttpUrl('WRIT_RUNBOOK_BASE_URL', runbook).replace(/\/+$/, ''),
  };
}

/**
 * Production mode refuses the embedded shortcuts; the error names each one.
 *
 * @example
 * ```ts
 * assertProductionReady({ ...config, mode: 'production', databaseUrl: undefined }); // throws
 * ```
 */
export function assertProductionReady(config: WritConfig): void {
  if (config.mode !== 'production') return;
  const refused: string[] = [];
  if (config.databaseUrl === undefined) {
    refused.push('WRIT_DATABASE_URL is unset (the embedded PGlite store is a dev shortcut)');
  }
  if (config.masterKey.kind === 'file' && config.masterKey.generateIfMissing) {
    refused.push('no WRIT_MASTER_KEY or WRIT_MASTER_KEY_FILE (a generated master key is a dev shortcut)');
  }
  if (config.spiffe.devCa) {
    refused.push('WRIT_SPIFFE_DEV_CA is on (the built-in dev CA issues an SVID for any SPIFFE ID: a dev shortcut)');
  }
  if (config.devIdp) {
    refused.push('WRIT_DEV_IDP is on (the built-in dev identity provider signs tokens for anyone: a dev shortcut)');
  }
  if (refused.length > 0) {
    throw new WritError('CONFIG_INVALID', `WRIT_MODE=production refuses dev shortcuts: ${refused.join('; ')}`);
  }
}

/** Hides the password of a database URL for messages. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable URL>';
  }
}
