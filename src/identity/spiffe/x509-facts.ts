import { children, content, DerError, expectTag, readBitPositions, readBoolean, readOid, readSmallInt, readTime, readTlv, TAG, type Tlv } from './der.ts';

/**
 * Key usage bits (RFC 5280 §4.2.1.3) by name.
 *
 * @example
 * ```ts
 * KEY_USAGE.keyCertSign; // 5
 * ```
 */
export const KEY_USAGE = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

/**
 * Extension OIDs Writ reads.
 *
 * @example
 * ```ts
 * EXT.subjectAltName; // '2.5.29.17'
 * ```
 */
export const EXT = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
} as const;

/** Extensions whose meaning Writ checks, so they may be critical. */
const UNDERSTOOD = new Set<string>([EXT.keyUsage, EXT.subjectAltName, EXT.basicConstraints, EXT.extKeyUsage, EXT.subjectKeyIdentifier, EXT.authorityKeyIdentifier]);

/**
 * What the SPIFFE X.509-SVID rules need from one certificate, read from its DER
 * (node:crypto's `X509Certificate` does the signature and issuer checks).
 *
 * @example
 * ```ts
 * const facts = readCertificateFacts(new X509Certificate(pem).raw);
 * facts.uris; // ['spiffe://writ.dev/ci/deploy']
 * ```
 */
export interface CertificateFacts {
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints cA (false when the extension is absent). */
  ca: boolean;
  /** basicConstraints pathLenConstraint, when present. */
  pathLen: number | undefined;
  /** Set key usage bits, or undefined when the extension is absent. */
  keyUsage: number[] | undefined;
  /** URI subject alternative names, in order. */
  uris: string[];
  /** OIDs of critical extensions Writ does not understand (path validation must refuse them). */
  unknownCritical: string[];
}

function parseExtensions(ext: Tlv, facts: CertificateFacts): void {
  const seen = new Set<string>();
  for (const e of children(expectTag(children(ext)[0], TAG.SEQUENCE))) {
    const parts = children(expectTag(e, TAG.SEQUENCE));
    const oid = readOid(parts[0] as Tlv);
    if (seen.has(oid)) throw new DerError(`duplicate extension ${oid}`);
    seen.add(oid);
    let i = 1;
    let critical = false;
    if (parts[i]?.tag === TAG.BOOLEAN) critical = readBoolean(parts[i++] as Tlv);
    const valueTlv = expectTag(parts[i], TAG.OCTET_STRING);
    if (parts.length !== i + 1) throw new DerError('bad extension');
    const value = content(valueTlv);
    const inner = () => {
      const t = readTlv(value, 0);
      if (t.end !== value.length) throw new DerError('trailing bytes in extension');
      return t;
    };
    if (critical && !UNDERSTOOD.has(oid)) facts.unknownCritical.push(oid);
    switch (oid) {
      case EXT.basicConstraints: {
        const bc = children(expectTag(inner(), TAG.SEQUENCE));
        let j = 0;
        if (bc[j]?.tag === TAG.BOOLEAN) facts.ca = readBoolean(bc[j++] as Tlv);
        if (bc[j]?.tag === TAG.INTEGER) facts.pathLen = readSmallInt(bc[j++] as Tlv);
        if (j !== bc.length) throw new DerError('bad basicConstraints');
        break;
      }
      case EXT.keyUsage:
        facts.keyUsage = readBitPositions(inner());
        break;
      case EXT.subjectAltName:
        for (const name of children(expectTag(inner(), TAG.SEQUENCE))) {
          // [6] IMPLICIT IA5String: uniformResourceIdentifier
          if (name.tag === 0x86) facts.uris.push(Buffer.from(content(name)).toString('latin1'));
        }
        break;
      default:
        break;
    }
  }
}

/**
 * Reads validity, basic constraints, key usage, URI SANs and unknown critical
 * extensions from a certificate's DER.
 *
 * @throws {DerError} on anything malformed (including duplicate extensions).
 *
 * @example
 * ```ts
 * readCertificateFacts(x509.raw).ca; // false for a leaf SVID
 * ```
 */
export function readCertificateFacts(certDer: Uint8Array): CertificateFacts {
  const cert = readTlv(certDer, 0);
  if (cert.tag !== TAG.SEQUENCE || cert.end !== certDer.length) throw new DerError('not one certificate');
  const tbs = children(expectTag(children(cert)[0], TAG.SEQUENCE));
  let i = 0;
  if (tbs[i]?.tag === 0xa0) i++; // [0] version
  i += 3; // serialNumber, signature, issuer
  const validity = children(expectTag(tbs[i++], TAG.SEQUENCE));
  if (validity.length !== 2) throw new DerError('bad validity');
  const facts: CertificateFacts = {
    notBefore: readTime(validity[0] as Tlv),
    notAfter: readTime(validity[1] as Tlv),
    ca: false,
    pathLen: undefined,
    keyUsage: undefined,
    uris: [],
    unknownCritical: [],
  };
  i += 2; // subject, subjectPublicKeyInfo
  for (; i < tbs.length; i++) {
    const t = tbs[i] as Tlv;
    if (t.tag === 0xa3) parseExtensions(t, facts);
    else if (t.tag !== 0x81 && t.tag !== 0x82 && t.tag !== 0xa1 && t.tag !== 0xa2) throw new DerError('unexpected field in TBSCertificate');
  }
  return facts;
}
