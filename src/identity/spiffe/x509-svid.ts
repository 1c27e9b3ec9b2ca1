import { X509Certificate } from 'node:crypto';
import { tryParseSpiffeId, type SpiffeId } from './spiffe-id.ts';
import type { TrustBundleSet } from './trust-bundles.ts';
import { KEY_USAGE, readCertificateFacts, type CertificateFacts } from './x509-facts.ts';

/**
 * Why an X.509-SVID was rejected; stable, safe to log and to return as detail.
 *
 * @example
 * ```ts
 * const reason: X509SvidFailure = 'LEAF_IS_CA';
 * ```
 */
export type X509SvidFailure =
  | 'MALFORMED'
  | 'CHAIN_TOO_LONG'
  | 'NO_URI_SAN'
  | 'MULTIPLE_URI_SANS'
  | 'INVALID_SPIFFE_ID'
  | 'LEAF_IS_CA'
  | 'LEAF_KEY_USAGE'
  | 'CRITICAL_EXTENSION'
  | 'UNKNOWN_TRUST_DOMAIN'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'UNTRUSTED';

/**
 * Most certificates accepted in a presented chain (leaf included).
 *
 * @example
 * ```ts
 * MAX_CHAIN_LENGTH; // 8
 * ```
 */
export const MAX_CHAIN_LENGTH = 8;

/**
 * Largest single certificate accepted, in bytes.
 *
 * @example
 * ```ts
 * MAX_CERTIFICATE_BYTES; // 65536
 * ```
 */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

interface Parsed {
  cert: X509Certificate;
  facts: CertificateFacts;
}

function parse(der: Uint8Array): Parsed {
  const cert = new X509Certificate(Buffer.from(der.buffer, der.byteOffset, der.byteLength));
  return { cert, facts: readCertificateFacts(cert.raw) };
}

function timeProblem(facts: CertificateFacts, now: Date): 'EXPIRED' | 'NOT_YET_VALID' | undefined {
  if (now.getTime() < facts.notBefore.getTime()) return 'NOT_YET_VALID';
  if (now.getTime() > facts.notAfter.getTime()) return 'EXPIRED';
  return undefined;
}

function signedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function canSign(facts: CertificateFacts): boolean {
  return facts.ca && (facts.keyUsage === undefined || facts.keyUsage.includes(KEY_USAGE.keyCertSign)) && facts.unknownCritical.length === 0;
}

/** A signing certificate may name only its own trust domain in a SPIFFE URI SAN. */
function staysInTrustDomain(facts: CertificateFacts, trustDomain: string): boolean {
  return facts.uris.every((u) => {
    const id = tryParseSpiffeId(u);
    return !id.ok || id.id.trustDomain === trustDomain;
  });
}

/**
 * Verifies an X.509-SVID chain (leaf first, DER) per the SPIFFE X.509-SVID spec:
 * the leaf has exactly one URI SAN, a valid SPIFFE ID; it is not a CA; its key
 * usage is present with digitalSignature and without keyCertSign / cRLSign; no
 * certificate on the path has a critical extension Writ does not understand;
 * every certificate on the path is within its validity at `now`; and the leaf
 * chains, through CA intermediates from the presented chain (pathLen honoured),
 * to an X.509 authority of the leaf's own trust domain's bundle. Never throws.
 *
 * @example
 * ```ts
 * const r = verifyX509Svid([leafDer, intermediateDer], bundles, clock.now());
 * if (r.ok) r.spiffeId.id; // 'spiffe://acme.example/ci/deploy'
 * ```
 */
export function verifyX509Svid(
  chain: readonly Uint8Array[],
  bundles: TrustBundleSet,
  now: Date,
): { ok: true; spiffeId: SpiffeId } | { ok: false; reason: X509SvidFailure } {
  if (chain.length === 0) return { ok: false, reason: 'MALFORMED' };
  if (chain.length > MAX_CHAIN_LENGTH) return { ok: false, reason: 'CHAIN_TOO_LONG' };
  let parsed: Parsed[];
  try {
    parsed = chain.map((der) => {
      if (!(der instanceof Uint8Array) || der.byteLength === 0 || der.byteLength > MAX_CERTIFICATE_BYTES) throw new Error('size');
      return parse(der);
    });
  } catch {
    return { ok: false, reason: 'MALFORMED' };
  }
  const [leaf, ...intermediates] = parsed as [Parsed, ...Parsed[]];

  if (leaf.facts.uris.length === 0) return { ok: false, reason: 'NO_URI_SAN' };
  if (leaf.facts.uris.length > 1) return { ok: false, reason: 'MULTIPLE_URI_SANS' };
  const id = tryParseSpiffeId(leaf.facts.uris[0]);
  if (!id.ok) return { ok: false, reason: 'INVALID_SPIFFE_ID' };
  if (leaf.facts.ca) return { ok: false, reason: 'LEAF_IS_CA' };
  const ku = leaf.facts.keyUsage;
  if (!ku || !ku.includes(KEY_USAGE.digitalSignature) || ku.includes(KEY_USAGE.keyCertSign) || ku.includes(KEY_USAGE.cRLSign)) {
    return { ok: false, reason: 'LEAF_KEY_USAGE' };
  }
  if (leaf.facts.unknownCritical.length > 0) return { ok: false, reason: 'CRITICAL_EXTENSION' };
  const leafTime = timeProblem(leaf.facts, now);
  if (leafTime) return { ok: false, reason: leafTime };

  const bundle = bundles.get(id.id.trustDomain);
  if (!bundle || bundle.x509Authorities.length === 0) return { ok: false, reason: 'UNKNOWN_TRUST_DOMAIN' };
  let roots: Parsed[];
  try {
    roots = bundle.x509Authorities.map((cert) => ({ cert, facts: readCertificateFacts(cert.raw) }));
  } catch {
    return { ok: false, reason: 'UNTRUSTED' };
  }

  // Path building: from `current`, either a bundle authority signed it (done), or an
  // unused presented CA did (go on from there). `below` counts intermediates under the issuer.
  // Signature checks are cached per (child, issuer) pair, so a presented mesh of
  // cross-signed CAs costs at most chain × (chain + roots) verifications.
  let timeFailure: 'EXPIRED' | 'NOT_YET_VALID' | undefined;
  const used = new Set<number>();
  const verdicts = new Map<string, boolean>();
  const issued = (childIdx: number, child: Parsed, issuerKey: string, issuer: Parsed): boolean => {
    const key = `${childIdx}>${issuerKey}`;
    let v = verdicts.get(key);
    if (v === undefined) {
      v = signedBy(child.cert, issuer.cert);
      verdicts.set(key, v);
    }
    return v;
  };
  const extend = (currentIdx: number, current: Parsed, below: number): boolean => {
    for (const [r, root] of roots.entries()) {
      if (!issued(currentIdx, current, `r${r}`, root)) continue;
      if (root.facts.pathLen !== undefined && below > root.facts.pathLen) continue;
      const t = timeProblem(root.facts, now);
      if (t) {
        timeFailure ??= t;
        continue;
      }
      return true;
    }
    for (const [i, next] of intermediates.entries()) {
      if (used.has(i) || !canSign(next.facts) || !staysInTrustDomain(next.facts, id.id.trustDomain)) continue;
      if (next.facts.pathLen !== undefined && below > next.facts.pathLen) continue;
      if (!issued(currentIdx, current, `i${i}`, next)) continue;
      const t = timeProblem(next.facts, now);
      if (t) {
        timeFailure ??= t;
        continue;
      }
      used.add(i);
      if (extend(i + 1, next, below + 1)) return true;
      used.delete(i);
    }
    return false;
  };
  if (extend(0, leaf, 0)) return { ok: true, spiffeId: id.id };
  return { ok: false, reason: timeFailure ?? 'UNTRUSTED' };
}
