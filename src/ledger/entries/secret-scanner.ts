/**
 * Rejects values that look like secrets before they reach the ledger (DESIGN §2
 * invariant 4). Callers store a `sha256:` hash or a reference instead.
 *
 * The patterns are deliberately broad: a false positive costs a caller a hash,
 * a false negative leaks a credential into an append-only log forever.
 */

/** Why a value was refused. */
export type SecretKind =
  | 'jwt'
  | 'pem_block'
  | 'aws_access_key_id'
  | 'github_token'
  | 'slack_token'
  | 'private_key_jwk'
  | 'bearer_credential'
  | 'high_entropy_string';

/** One finding: where in the payload and what it looked like (never the value itself). */
export interface SecretFinding {
  path: string;
  kind: SecretKind;
}

const PATTERNS: Array<[SecretKind, RegExp]> = [
  ['jwt', /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/],
  ['pem_block', /-----BEGIN [A-Z0-9 ]+-----/],
  ['aws_access_key_id', /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/],
  ['github_token', /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b/],
  ['slack_token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['bearer_credential', /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/i],
];

const SHA256_REF = /^sha256:[0-9a-f]{64}$/;

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * True for a run of ≥ 32 token characters whose entropy says "random key" rather
 * than "identifier": ≥ 3.5 bits/char for hex-like runs of 40+, ≥ 4.2 for mixed alphabets.
 */
function looksHighEntropy(s: string): boolean {
  for (const run of s.match(/[A-Za-z0-9+/=_-]{32,}/g) ?? []) {
    const hexLike = /^[0-9a-fA-F]+$/.test(run);
    const h = entropy(run);
    if (hexLike ? run.length >= 40 && h >= 3.5 : h >= 4.2) return true;
  }
  return false;
}

/**
 * Walks a payload and reports every string that looks like a secret.
 * `opaqueIdPaths` lists paths (e.g. `$.kid`) whose values are public identifiers
 * that are random by design (key thumbprints); only the entropy rule is skipped there.
 *
 * @example
 * ```ts
 * findSecrets({ token: 'eyJhbGciOi.eyJzdWIiOi.sig' }); // [{ path: '$.token', kind: 'jwt' }]
 * findSecrets({ ref: 'sha256:' + 'a'.repeat(64) });      // []
 * ```
 */
export function findSecrets(value: unknown, opaqueIdPaths: ReadonlySet<string> = new Set()): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const visit = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      if (SHA256_REF.test(v)) return;
      for (const [kind, re] of PATTERNS) {
        if (re.test(v)) {
          findings.push({ path, kind });
          return;
        }
      }
      if (!opaqueIdPaths.has(path) && looksHighEntropy(v)) findings.push({ path, kind: 'high_entropy_string' });
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, `${path}[${i}]`));
      return;
    }
    if (v !== null && typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      if (typeof obj.kty === 'string' && 'd' in obj) findings.push({ path, kind: 'private_key_jwk' });
      for (const [k, item] of Object.entries(obj)) visit(item, `${path}.${k}`);
    }
  };
  visit(value, '$');
  return findings;
}
