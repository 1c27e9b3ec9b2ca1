import { createHash, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  derBitStringBytes, derBoolean, derContext, derInteger, derNamedBits, derOctetString, derOid, derSequence, derSet, derTime, derUtf8,
} from './der.ts';
import { EXT, KEY_USAGE } from './x509-facts.ts';

/** ecdsa-with-SHA256 (RFC 5758). */
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';
const EKU = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;

/**
 * Signs the DER of a TBSCertificate with ECDSA P-256 / SHA-256 and returns the
 * DER-encoded (X9.62) signature.
 *
 * @example
 * ```ts
 * const sign: CertificateSigner = async (tbs) => nodeSign('sha256', tbs, caPrivateKey);
 * ```
 */
export type CertificateSigner = (tbs: Uint8Array) => Promise<Uint8Array>;

/**
 * A distinguished name of a few attributes (the dev CA needs no more).
 *
 * @example
 * ```ts
 * const name: SimpleName = { organization: 'Writ', commonName: 'Writ dev CA writ.dev' };
 * ```
 */
export interface SimpleName {
  organization?: string;
  commonName?: string;
}

/**
 * What a certificate says. Everything the SPIFFE rules look at is explicit, so
 * tests can build the broken certificates too (CA as leaf, two URI SANs, …).
 *
 * @example
 * ```ts
 * const spec: CertificateSpec = {
 *   subject: { organization: 'Writ dev SVID' }, publicKey, notBefore, notAfter,
 *   ca: false, keyUsage: ['digitalSignature'], uris: ['spiffe://writ.dev/ci/deploy'],
 *   issuer: { name: caName, keyId: caKeyId, sign },
 * };
 * ```
 */
export interface CertificateSpec {
  subject: SimpleName;
  /** The subject's public key (an EC P-256 key in practice). */
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  /** basicConstraints pathLenConstraint (CA only). */
  pathLen?: number;
  keyUsage: Array<keyof typeof KEY_USAGE>;
  /** Extended key usages; default none for a CA, serverAuth + clientAuth for a leaf. */
  extKeyUsage?: Array<keyof typeof EKU>;
  /** URI SANs (a SPIFFE ID for an SVID; the trust domain ID for a CA). */
  uris?: string[];
  /** DNS SANs. */
  dnsNames?: string[];
  /** IP address SANs (IPv4 or IPv6 text). */
  ipAddresses?: string[];
  /** Who signs: self-signed when omitted (then `sign` must be the subject key's). */
  issuer?: { name: SimpleName; keyId: Uint8Array; sign: CertificateSigner };
  /** Signer of a self-signed certificate. */
  selfSign?: CertificateSigner;
  /** Serial number bytes; default 16 random bytes. */
  serial?: Uint8Array;
}

function encodeName(name: SimpleName): Uint8Array {
  const rdns: Uint8Array[] = [];
  if (name.organization !== undefined) rdns.push(derSet(derSequence(derOid(OID_O), derUtf8(name.organization))));
  if (name.commonName !== undefined) rdns.push(derSet(derSequence(derOid(OID_CN), derUtf8(name.commonName))));
  return derSequence(...rdns);
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return derSequence(derOid(oid), ...(critical ? [derBoolean(true)] : []), derOctetString(value));
}

function ipBytes(ip: string): Uint8Array {
  const kind = isIP(ip);
  if (kind === 4) return Uint8Array.from(ip.split('.').map(Number));
  if (kind === 6) {
    const [head = '', tail = ''] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
    const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
    const out = new Uint8Array(16);
    groups.forEach((g, i) => {
      const v = parseInt(g, 16);
      out[i * 2] = v >> 8;
      out[i * 2 + 1] = v & 0xff;
    });
    return out;
  }
  throw new RangeError(`not an IP address: ${ip}`);
}

/**
 * The key identifier Writ puts in SubjectKeyIdentifier: the first 20 bytes of the
 * SHA-256 of the DER SubjectPublicKeyInfo (RFC 7093 method 1 style).
 *
 * @example
 * ```ts
 * keyIdentifier(caPublicKey).length; // 20
 * ```
 */
export function keyIdentifier(publicKey: KeyObject): Uint8Array {
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(spki).digest().subarray(0, 20);
}

/**
 * Builds and signs an X.509 v3 certificate (ECDSA P-256 / SHA-256 signature).
 * Extensions: basicConstraints (critical), keyUsage (critical), extKeyUsage, SAN,
 * subject and authority key identifiers.
 *
 * @example
 * ```ts
 * const pem = (await issueCertificate(spec)).toString();
 * ```
 */
export async function issueCertificate(spec: CertificateSpec): Promise<X509Certificate> {
  const sigAlg = derSequence(derOid(ECDSA_WITH_SHA256));
  const subjectName = encodeName(spec.subject);
  const skid = keyIdentifier(spec.publicKey);
  const issuerName = spec.issuer ? encodeName(spec.issuer.name) : subjectName;
  const akid = spec.issuer ? spec.issuer.keyId : skid;
  const sign = spec.issuer ? spec.issuer.sign : spec.selfSign;
  if (!sign) throw new RangeError('a self-signed certificate needs selfSign');

  const serial = Uint8Array.from(spec.serial ?? randomBytes(16));
  serial[0] = (serial[0] as number) & 0x7f; // positive
  if (serial.every((b) => b === 0)) serial[serial.length - 1] = 1;

  const exts: Uint8Array[] = [];
  exts.push(extension(EXT.basicConstraints, true, derSequence(
    ...(spec.ca ? [derBoolean(true)] : []),
    ...(spec.ca && spec.pathLen !== undefined ? [derInteger(BigInt(spec.pathLen))] : []),
  )));
  exts.push(extension(EXT.keyUsage, true, derNamedBits(spec.keyUsage.map((k) => KEY_USAGE[k]))));
  const ekus = spec.extKeyUsage ?? (spec.ca ? [] : (['serverAuth', 'clientAuth'] as const));
  if (ekus.length > 0) exts.push(extension(EXT.extKeyUsage, false, derSequence(...ekus.map((e) => derOid(EKU[e])))));
  const names = [
    ...(spec.uris ?? []).map((u) => derContext(6, false, Buffer.from(u, 'latin1'))),
    ...(spec.dnsNames ?? []).map((d) => derContext(2, false, Buffer.from(d, 'latin1'))),
    ...(spec.ipAddresses ?? []).map((ip) => derContext(7, false, ipBytes(ip))),
  ];
  if (names.length > 0) exts.push(extension(EXT.subjectAltName, false, derSequence(...names)));
  exts.push(extension(EXT.subjectKeyIdentifier, false, derOctetString(skid)));
  exts.push(extension(EXT.authorityKeyIdentifier, false, derSequence(derContext(0, false, akid))));

  const tbs = derSequence(
    derContext(0, true, derInteger(2n)),
    derInteger(serial),
    sigAlg,
    issuerName,
    derSequence(derTime(spec.notBefore), derTime(spec.notAfter)),
    subjectName,
    spec.publicKey.export({ format: 'der', type: 'spki' }),
    derContext(3, true, derSequence(...exts)),
  );
  const signature = await sign(tbs);
  return new X509Certificate(Buffer.from(derSequence(tbs, sigAlg, derBitStringBytes(signature))));
}

/**
 * Converts an IEEE P1363 ECDSA signature (r‖s, as JOSE and Writ's key providers
 * produce) to the DER form X.509 uses.
 *
 * @example
 * ```ts
 * const sigDer = p1363ToDer(await signer.sign(tbs));
 * ```
 */
export function p1363ToDer(signature: Uint8Array): Uint8Array {
  if (signature.length === 0 || signature.length % 2 !== 0) throw new RangeError('bad P1363 signature');
  const half = signature.length / 2;
  return derSequence(derInteger(signature.subarray(0, half)), derInteger(signature.subarray(half)));
}
