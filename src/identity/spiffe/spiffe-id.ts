import { WritError } from '../../errors/writ-error.ts';

/**
 * Why a string is not a SPIFFE ID; the `reason` of the error {@link parseSpiffeId}
 * throws. Stable: safe to return to callers and to ledger.
 *
 * @example
 * ```ts
 * const reason: SpiffeIdInvalidReason = 'DOT_SEGMENT';
 * ```
 */
export type SpiffeIdInvalidReason =
  | 'EMPTY'
  | 'TOO_LONG'
  | 'SCHEME'
  | 'TRUST_DOMAIN_MISSING'
  | 'TRUST_DOMAIN_CHAR'
  | 'TRUST_DOMAIN_TOO_LONG'
  | 'PATH_CHAR'
  | 'EMPTY_SEGMENT'
  | 'DOT_SEGMENT'
  | 'TRAILING_SLASH';

/**
 * A parsed SPIFFE ID.
 *
 * @example
 * ```ts
 * const id: SpiffeId = { id: 'spiffe://acme.example/ci/deploy', trustDomain: 'acme.example', path: '/ci/deploy' };
 * ```
 */
export interface SpiffeId {
  /** The whole ID, exactly as given (a valid ID has one spelling only). */
  id: string;
  trustDomain: string;
  /** `''` for the trust domain's own ID, else `/seg/seg`. */
  path: string;
}

/**
 * Longest SPIFFE ID accepted, in bytes (the SPIFFE ID spec's interoperability bound).
 *
 * @example
 * ```ts
 * MAX_SPIFFE_ID_LENGTH; // 2048
 * ```
 */
export const MAX_SPIFFE_ID_LENGTH = 2048;

/**
 * Longest trust domain name accepted.
 *
 * @example
 * ```ts
 * MAX_TRUST_DOMAIN_LENGTH; // 255
 * ```
 */
export const MAX_TRUST_DOMAIN_LENGTH = 255;

const PREFIX = 'spiffe://';

function isTrustDomainChar(c: number): boolean {
  // a-z 0-9 . - _
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x5f;
}

function isPathChar(c: number): boolean {
  // a-z A-Z 0-9 . - _
  return isTrustDomainChar(c) || (c >= 0x41 && c <= 0x5a);
}

/**
 * Checks a trust domain name (no scheme): 1 to 255 of `a-z 0-9 . - _`.
 *
 * @example
 * ```ts
 * trustDomainProblem('acme.example'); // undefined
 * trustDomainProblem('Acme');         // 'TRUST_DOMAIN_CHAR'
 * ```
 */
export function trustDomainProblem(name: string): SpiffeIdInvalidReason | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'TRUST_DOMAIN_MISSING';
  for (let i = 0; i < name.length; i++) {
    if (!isTrustDomainChar(name.charCodeAt(i))) return 'TRUST_DOMAIN_CHAR';
  }
  if (name.length > MAX_TRUST_DOMAIN_LENGTH) return 'TRUST_DOMAIN_TOO_LONG';
  return undefined;
}

/**
 * Checks the path part of a SPIFFE ID: empty, or `/`-separated segments of
 * `A-Z a-z 0-9 . - _`, none empty, none `.` or `..`, no trailing slash.
 *
 * @example
 * ```ts
 * spiffePathProblem('/ci/deploy'); // undefined
 * spiffePathProblem('/ci/../x');   // 'DOT_SEGMENT'
 * ```
 */
export function spiffePathProblem(path: string): SpiffeIdInvalidReason | undefined {
  if (path.length === 0) return undefined;
  if (path.charCodeAt(0) !== 0x2f) return 'PATH_CHAR';
  let segStart = 1;
  for (let i = 1; i <= path.length; i++) {
    const atEnd = i === path.length;
    const c = atEnd ? 0x2f : path.charCodeAt(i);
    if (c !== 0x2f) {
      if (!isPathChar(c)) return 'PATH_CHAR';
      continue;
    }
    const segment = path.slice(segStart, i);
    if (segment.length === 0) return atEnd ? 'TRAILING_SLASH' : 'EMPTY_SEGMENT';
    if (segment === '.' || segment === '..') return 'DOT_SEGMENT';
    segStart = i + 1;
  }
  return undefined;
}

/**
 * Parses a SPIFFE ID strictly (SPIFFE ID spec §2, the rules of go-spiffe v2):
 * lowercase `spiffe://` scheme; a trust domain of `a-z 0-9 . - _` (so no port,
 * user info, upper case or percent-encoding); path segments of `A-Z a-z 0-9 . - _`
 * with no empty, `.` or `..` segment and no trailing slash (so no query or
 * fragment); at most 2048 bytes. Never throws.
 *
 * @example
 * ```ts
 * tryParseSpiffeId('spiffe://acme.example/ci/deploy'); // { ok: true, id: { trustDomain: 'acme.example', path: '/ci/deploy', … } }
 * tryParseSpiffeId('spiffe://acme.example:443/x');     // { ok: false, reason: 'TRUST_DOMAIN_CHAR' }
 * ```
 */
export function tryParseSpiffeId(input: unknown): { ok: true; id: SpiffeId } | { ok: false; reason: SpiffeIdInvalidReason } {
  if (typeof input !== 'string' || input.length === 0) return { ok: false, reason: 'EMPTY' };
  if (input.length > MAX_SPIFFE_ID_LENGTH) return { ok: false, reason: 'TOO_LONG' };
  if (!input.startsWith(PREFIX)) return { ok: false, reason: 'SCHEME' };
  const rest = input.slice(PREFIX.length);
  let slash = rest.indexOf('/');
  if (slash === -1) slash = rest.length;
  const trustDomain = rest.slice(0, slash);
  const path = rest.slice(slash);
  const tdProblem = trustDomainProblem(trustDomain);
  if (tdProblem) return { ok: false, reason: tdProblem };
  const pathProblem = spiffePathProblem(path);
  if (pathProblem) return { ok: false, reason: pathProblem };
  return { ok: true, id: { id: input, trustDomain, path } };
}

/**
 * Like {@link tryParseSpiffeId}, but throws.
 *
 * @throws {WritError} `BAD_REQUEST` with message `invalid SPIFFE ID` and the
 *   {@link SpiffeIdInvalidReason} as `reason`.
 *
 * @example
 * ```ts
 * parseSpiffeId('spiffe://acme.example/ci/deploy').trustDomain; // 'acme.example'
 * parseSpiffeId('spiffe://acme.example/'); // throws, reason 'TRAILING_SLASH'
 * ```
 */
export function parseSpiffeId(input: string): SpiffeId {
  const r = tryParseSpiffeId(input);
  if (!r.ok) throw new WritError('BAD_REQUEST', 'invalid SPIFFE ID', { reason: r.reason });
  return r.id;
}

/**
 * True when `input` is a valid SPIFFE ID.
 *
 * @example
 * ```ts
 * isSpiffeId('spiffe://acme.example'); // true
 * isSpiffeId('SPIFFE://acme.example'); // false
 * ```
 */
export function isSpiffeId(input: unknown): input is string {
  return tryParseSpiffeId(input).ok;
}

/**
 * The SPIFFE ID of a trust domain itself (`spiffe://<name>`).
 *
 * @example
 * ```ts
 * trustDomainId('writ.dev'); // 'spiffe://writ.dev'
 * ```
 */
export function trustDomainId(name: string): string {
  return `${PREFIX}${name}`;
}
