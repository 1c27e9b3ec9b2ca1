import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { WritError } from '../../errors/writ-error.ts';
import { trustDomainProblem } from './spiffe-id.ts';

/**
 * One trusted SPIFFE trust domain and where its bundle lives.
 *
 * @example
 * ```ts
 * const td: SpiffeTrustDomainConfig = { name: 'acme.example', bundleFile: '/etc/writ/acme-ca.pem', jwtBundleFile: '/etc/writ/acme-jwks.json' };
 * ```
 */
export interface SpiffeTrustDomainConfig {
  name: string;
  /** PEM CA certificates: the X.509 authorities that sign X.509-SVIDs. */
  bundleFile?: string;
  /** JWKS (or a SPIFFE bundle document): the keys that sign JWT-SVIDs. */
  jwtBundleFile?: string;
}

/**
 * Workload identity settings (`spiffe` in writ.yaml, `WRIT_SPIFFE_*`).
 *
 * @example
 * ```ts
 * const spiffe: SpiffeConfig = { audience: 'writ-gateway', trustDomains: [], devCa: true, devTrustDomain: 'writ.dev' };
 * ```
 */
export interface SpiffeConfig {
  /** The audience a JWT-SVID must name to be accepted here; default `writ-gateway`. */
  audience: string;
  trustDomains: SpiffeTrustDomainConfig[];
  /** Run the built-in dev CA (`WRIT_SPIFFE_DEV_CA`); default on in dev mode, refused in production. */
  devCa: boolean;
  /** Trust domain of the dev CA; default `writ.dev`. */
  devTrustDomain: string;
}

/**
 * The server's own TLS certificate and key files (`WRIT_TLS_CERT_FILE`,
 * `WRIT_TLS_KEY_FILE`). When set, `writ serve` listens with TLS and asks clients
 * for a certificate (an X.509-SVID), without requiring one.
 *
 * @example
 * ```ts
 * const tls: TlsFilesConfig = { certFile: '/etc/writ/tls.crt', keyFile: '/etc/writ/tls.key' };
 * ```
 */
export interface TlsFilesConfig {
  certFile: string;
  keyFile: string;
}

/**
 * Default JWT-SVID audience.
 *
 * @example
 * ```ts
 * DEFAULT_SPIFFE_AUDIENCE; // 'writ-gateway'
 * ```
 */
export const DEFAULT_SPIFFE_AUDIENCE = 'writ-gateway';

/**
 * Default trust domain of the dev CA.
 *
 * @example
 * ```ts
 * DEFAULT_DEV_TRUST_DOMAIN; // 'writ.dev'
 * ```
 */
export const DEFAULT_DEV_TRUST_DOMAIN = 'writ.dev';

const SECTION_KEYS = ['trust_domains', 'audience', 'dev_ca', 'dev_trust_domain'] as const;
const TRUST_DOMAIN_KEYS = ['name', 'bundle_file', 'jwt_bundle_file'] as const;

function invalid(key: string, expected: string, got: unknown): WritError {
  return new WritError('CONFIG_INVALID', `${key}: expected ${expected}, got ${JSON.stringify(got)}`);
}

function parseSwitch(key: string, value: unknown): boolean {
  if (value === true || value === 'true' || value === '1' || value === 1) return true;
  if (value === false || value === 'false' || value === '0' || value === 0) return false;
  throw invalid(key, '1, 0, true or false', value);
}

function parseTrustDomains(where: string, list: unknown, cwd: string): SpiffeTrustDomainConfig[] {
  if (!Array.isArray(list)) throw invalid(where, 'a list of trust domains ({ name, bundle_file, jwt_bundle_file })', list);
  const seen = new Set<string>();
  return list.map((item: unknown, i) => {
    const at = `${where}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid(at, 'a mapping', item);
    const raw = item as Record<string, unknown>;
    for (const k of Object.keys(raw)) {
      if (!(TRUST_DOMAIN_KEYS as readonly string[]).includes(k)) {
        throw new WritError('CONFIG_INVALID', `${at}: unknown key "${k}" (expected one of ${TRUST_DOMAIN_KEYS.join(', ')})`);
      }
    }
    if (typeof raw.name !== 'string' || trustDomainProblem(raw.name)) {
      throw invalid(`${at}.name`, 'a trust domain name (lowercase letters, digits, ".", "-", "_"; no scheme)', raw.name);
    }
    if (seen.has(raw.name)) throw new WritError('CONFIG_INVALID', `${at}.name: trust domain ${JSON.stringify(raw.name)} is listed twice`);
    seen.add(raw.name);
    const file = (key: 'bundle_file' | 'jwt_bundle_file') => {
      const v = raw[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || v.length === 0) throw invalid(`${at}.${key}`, 'a file path', v);
      return resolve(cwd, v);
    };
    const bundleFile = file('bundle_file');
    const jwtBundleFile = file('jwt_bundle_file');
    if (bundleFile === undefined && jwtBundleFile === undefined) {
      throw new WritError('CONFIG_INVALID', `${at}: set bundle_file (PEM CA certificates), jwt_bundle_file (JWKS) or both`);
    }
    return { name: raw.name, ...(bundleFile ? { bundleFile } : {}), ...(jwtBundleFile ? { jwtBundleFile } : {}) };
  });
}

/**
 * Options of {@link parseSpiffeConfig}.
 *
 * @example
 * ```ts
 * const options: ParseSpiffeConfigOptions = { section: yaml.spiffe, env: process.env, cwd: process.cwd(), mode: 'dev' };
 * ```
 */
export interface ParseSpiffeConfigOptions {
  /** The raw `spiffe` section of writ.yaml (undefined when absent). */
  section: unknown;
  env: Record<string, string | undefined>;
  /** Relative bundle paths are resolved against this. */
  cwd: string;
  mode: 'dev' | 'production';
}

/**
 * Reads the `spiffe` section of writ.yaml
 * (`{ trust_domains: [{ name, bundle_file, jwt_bundle_file }], audience, dev_ca, dev_trust_domain }`)
 * and the environment, which wins key by key: `WRIT_SPIFFE_BUNDLES` (a YAML or JSON
 * list shaped like `trust_domains`, replacing the file's list), `WRIT_SPIFFE_AUDIENCE`,
 * `WRIT_SPIFFE_DEV_CA`, `WRIT_SPIFFE_DEV_TRUST_DOMAIN`. Bundle files are not read
 * here (only `writ serve` needs them). Errors are one line and name the key.
 *
 * @throws {WritError} `CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * parseSpiffeConfig({ section: undefined, env: { WRIT_SPIFFE_BUNDLES: '[{name: acme.example, bundle_file: ca.pem}]' }, cwd: '/etc/writ', mode: 'dev' });
 * // { audience: 'writ-gateway', trustDomains: [{ name: 'acme.example', bundleFile: '/etc/writ/ca.pem' }], devCa: true, devTrustDomain: 'writ.dev' }
 * ```
 */
export function parseSpiffeConfig(options: ParseSpiffeConfigOptions): SpiffeConfig {
  const { section, env, cwd, mode } = options;
  let raw: Record<string, unknown> = {};
  if (section !== undefined && section !== null) {
    if (typeof section !== 'object' || Array.isArray(section)) throw invalid('spiffe', `a mapping with ${SECTION_KEYS.join(', ')}`, section);
    raw = section as Record<string, unknown>;
    for (const k of Object.keys(raw)) {
      if (!(SECTION_KEYS as readonly string[]).includes(k)) {
        throw new WritError('CONFIG_INVALID', `spiffe: unknown key "${k}" (expected one of ${SECTION_KEYS.join(', ')})`);
      }
    }
  }
  const fromEnv = (k: string) => (env[k] !== undefined && env[k] !== '' ? env[k] : undefined);

  let trustDomains: SpiffeTrustDomainConfig[];
  const envBundles = fromEnv('WRIT_SPIFFE_BUNDLES');
  if (envBundles !== undefined) {
    let list: unknown;
    try {
      list = parseYaml(envBundles, { uniqueKeys: true });
    } catch {
      throw new WritError('CONFIG_INVALID', 'WRIT_SPIFFE_BUNDLES: expected a YAML or JSON list like [{name: acme.example, bundle_file: /etc/writ/acme-ca.pem}]');
    }
    trustDomains = parseTrustDomains('WRIT_SPIFFE_BUNDLES', list, cwd);
  } else {
    trustDomains = raw.trust_domains === undefined || raw.trust_domains === null ? [] : parseTrustDomains('spiffe.trust_domains', raw.trust_domains, cwd);
  }

  const audienceKey = fromEnv('WRIT_SPIFFE_AUDIENCE') !== undefined ? 'WRIT_SPIFFE_AUDIENCE' : 'spiffe.audience';
  const audience = fromEnv('WRIT_SPIFFE_AUDIENCE') ?? raw.audience ?? DEFAULT_SPIFFE_AUDIENCE;
  if (typeof audience !== 'string' || audience.length === 0 || audience.length > 256 || /\s/.test(audience)) {
    throw invalid(audienceKey, 'an audience string without spaces (at most 256 characters)', audience);
  }

  const devCaKey = fromEnv('WRIT_SPIFFE_DEV_CA') !== undefined ? 'WRIT_SPIFFE_DEV_CA' : 'spiffe.dev_ca';
  const devCaRaw = fromEnv('WRIT_SPIFFE_DEV_CA') ?? raw.dev_ca;
  const devCa = devCaRaw === undefined ? mode === 'dev' : parseSwitch(devCaKey, devCaRaw);

  const devTdKey = fromEnv('WRIT_SPIFFE_DEV_TRUST_DOMAIN') !== undefined ? 'WRIT_SPIFFE_DEV_TRUST_DOMAIN' : 'spiffe.dev_trust_domain';
  const devTrustDomain = fromEnv('WRIT_SPIFFE_DEV_TRUST_DOMAIN') ?? raw.dev_trust_domain ?? DEFAULT_DEV_TRUST_DOMAIN;
  if (typeof devTrustDomain !== 'string' || trustDomainProblem(devTrustDomain)) {
    throw invalid(devTdKey, 'a trust domain name (lowercase letters, digits, ".", "-", "_"; no scheme)', devTrustDomain);
  }
  if (devCa && trustDomains.some((t) => t.name === devTrustDomain)) {
    throw new WritError('CONFIG_INVALID', `${devTdKey}: ${JSON.stringify(devTrustDomain)} is also a configured trust domain; the dev CA needs a trust domain of its own`);
  }
  return { audience, trustDomains, devCa, devTrustDomain };
}

/**
 * Reads `WRIT_TLS_CERT_FILE` + `WRIT_TLS_KEY_FILE` (both or neither), already
 * merged with writ.yaml's `tls_cert_file` / `tls_key_file` by the caller's `get`.
 *
 * @throws {WritError} `CONFIG_INVALID` when only one is set.
 *
 * @example
 * ```ts
 * parseTlsFiles((k) => env[k], '/etc/writ'); // { certFile: '/etc/writ/tls.crt', keyFile: '/etc/writ/tls.key' } | undefined
 * ```
 */
export function parseTlsFiles(get: (key: string) => string | undefined, cwd: string): TlsFilesConfig | undefined {
  const certFile = get('WRIT_TLS_CERT_FILE');
  const keyFile = get('WRIT_TLS_KEY_FILE');
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined) throw new WritError('CONFIG_INVALID', 'WRIT_TLS_CERT_FILE: set together with WRIT_TLS_KEY_FILE');
  if (keyFile === undefined) throw new WritError('CONFIG_INVALID', 'WRIT_TLS_KEY_FILE: set together with WRIT_TLS_CERT_FILE');
  return { certFile: resolve(cwd, certFile), keyFile: resolve(cwd, keyFile) };
}
