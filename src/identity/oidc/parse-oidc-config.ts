import { WritError } from '../../errors/writ-error.ts';
import { assertIssuerConfig, type OidcIssuerConfig } from './issuer-config.ts';

const ISSUER_KEYS = ['issuer', 'audience', 'groups_claim', 'jwks_uri', 'algorithms'] as const;

const ENV_NAMES: Record<string, string> = {
  issuer: 'WRIT_OIDC_ISSUER',
  audience: 'WRIT_OIDC_AUDIENCE',
  groups_claim: 'WRIT_OIDC_GROUPS_CLAIM',
};

function invalid(key: string, expected: string, got: unknown): WritError {
  return new WritError('CONFIG_INVALID', `${key}: expected ${expected}, got ${JSON.stringify(got)}`);
}

function stringList(key: string, value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) throw invalid(key, 'a string or a list of strings', value);
  return list as string[];
}

/**
 * Parses the `oidc` section of `writ.yaml`:
 * `{ issuers: [{ issuer, audience: [..] | "x", groups_claim?, jwks_uri?, algorithms? }] }`.
 * Errors are one line and name the key (e.g. `oidc.issuers[1].audience`).
 *
 * @throws {WritError} `CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * parseOidcSection({ issuers: [{ issuer: 'https://idp.example.com', audience: 'writ' }] });
 * // [{ issuer: 'https://idp.example.com', audience: ['writ'] }]
 * ```
 */
export function parseOidcSection(value: unknown): OidcIssuerConfig[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('oidc', 'a mapping with "issuers"', value);
  for (const k of Object.keys(value)) {
    if (k !== 'issuers') throw new WritError('CONFIG_INVALID', `oidc: unknown key "${k}" (expected issuers)`);
  }
  const list = (value as { issuers?: unknown }).issuers ?? [];
  if (!Array.isArray(list)) throw invalid('oidc.issuers', 'a list of issuers', list);
  const out = list.map((item: unknown, i) => {
    const where = `oidc.issuers[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid(where, 'a mapping', item);
    const raw = item as Record<string, unknown>;
    for (const k of Object.keys(raw)) {
      if (!(ISSUER_KEYS as readonly string[]).includes(k)) {
        throw new WritError('CONFIG_INVALID', `${where}: unknown key "${k}" (expected one of ${ISSUER_KEYS.join(', ')})`);
      }
    }
    const config: OidcIssuerConfig = {
      issuer: raw.issuer as string,
      audience: stringList(`${where}.audience`, raw.audience),
      ...(raw.groups_claim !== undefined ? { groupsClaim: raw.groups_claim as string } : {}),
      ...(raw.jwks_uri !== undefined ? { jwksUri: raw.jwks_uri as string } : {}),
      ...(raw.algorithms !== undefined ? { algorithms: stringList(`${where}.algorithms`, raw.algorithms) } : {}),
    };
    assertIssuerConfig(config, where);
    return config;
  });
  assertDistinctIssuers(out, 'oidc.issuers');
  return out;
}

/**
 * The one issuer configured by `WRIT_OIDC_ISSUER` + `WRIT_OIDC_AUDIENCE` (comma-separated)
 * + optional `WRIT_OIDC_GROUPS_CLAIM`; `undefined` when none of them is set.
 *
 * @throws {WritError} `CONFIG_INVALID` naming the variable.
 *
 * @example
 * ```ts
 * oidcIssuerFromEnv({ WRIT_OIDC_ISSUER: 'https://idp.example.com', WRIT_OIDC_AUDIENCE: 'writ,writ-cli' });
 * // { issuer: 'https://idp.example.com', audience: ['writ', 'writ-cli'] }
 * ```
 */
export function oidcIssuerFromEnv(env: Record<string, string | undefined>): OidcIssuerConfig | undefined {
  const set = (k: string) => (env[k] !== undefined && env[k] !== '' ? env[k] : undefined);
  const issuer = set('WRIT_OIDC_ISSUER');
  const audience = set('WRIT_OIDC_AUDIENCE');
  const groupsClaim = set('WRIT_OIDC_GROUPS_CLAIM');
  if (issuer === undefined) {
    if (audience !== undefined) throw new WritError('CONFIG_INVALID', 'WRIT_OIDC_AUDIENCE: set together with WRIT_OIDC_ISSUER');
    if (groupsClaim !== undefined) throw new WritError('CONFIG_INVALID', 'WRIT_OIDC_GROUPS_CLAIM: set together with WRIT_OIDC_ISSUER');
    return undefined;
  }
  const audiences = (audience ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  const config: OidcIssuerConfig = { issuer, audience: audiences, ...(groupsClaim !== undefined ? { groupsClaim } : {}) };
  assertIssuerConfig(config, (field) => ENV_NAMES[field] ?? `WRIT_OIDC (${field})`);
  return config;
}

function assertDistinctIssuers(list: readonly OidcIssuerConfig[], key: string): void {
  const seen = new Set<string>();
  for (const c of list) {
    if (seen.has(c.issuer)) throw new WritError('CONFIG_INVALID', `${key}: issuer ${JSON.stringify(c.issuer)} is listed twice`);
    seen.add(c.issuer);
  }
}
