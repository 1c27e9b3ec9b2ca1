import { readFileSync } from 'node:fs';
import type { DetailedPeerCertificate } from 'node:tls';
import { WritError } from '../../errors/writ-error.ts';
import type { TlsFilesConfig } from './spiffe-config.ts';
import type { TrustBundleSet } from './trust-bundles.ts';

/**
 * Node `https` server options for mTLS with SVIDs.
 *
 * @example
 * ```ts
 * const https: HttpsServerOptions = { key, cert, ca: [caPem], requestCert: true, rejectUnauthorized: false };
 * ```
 */
export interface HttpsServerOptions {
  key: Buffer;
  cert: Buffer;
  /** CA names advertised to clients (the X.509 authorities of the trust bundles). */
  ca?: string[];
  requestCert: true;
  rejectUnauthorized: false;
  minVersion: 'TLSv1.2';
}

/**
 * Builds the `https` options of the Fastify server from `WRIT_TLS_CERT_FILE` /
 * `WRIT_TLS_KEY_FILE`: the server asks every client for a certificate but does not
 * require or judge one at the TLS layer (`rejectUnauthorized: false`). Client
 * certificates are X.509-SVIDs checked by the workload authenticator, so a missing
 * or bad one becomes `SVID_MISSING` / `SVID_INVALID` on the request instead of a
 * handshake error, and admin or interim credentials keep working over TLS.
 *
 * @throws {WritError} `CONFIG_INVALID` when a file cannot be read or holds no PEM.
 *
 * @example
 * ```ts
 * const app = Fastify({ https: httpsServerOptions(config.tls, bundles) });
 * ```
 */
export function httpsServerOptions(tls: TlsFilesConfig, bundles?: TrustBundleSet): HttpsServerOptions {
  const read = (key: string, path: string, marker: RegExp) => {
    let text: Buffer;
    try {
      text = readFileSync(path);
    } catch (err) {
      throw new WritError('CONFIG_INVALID', `${key}: cannot read ${path}`, { cause: err });
    }
    if (!marker.test(text.toString('latin1'))) throw new WritError('CONFIG_INVALID', `${key}: ${path} holds no PEM ${marker === CERT ? 'certificate' : 'private key'}`);
    return text;
  };
  const ca = bundles?.x509AuthoritiesPem() ?? [];
  return {
    key: read('WRIT_TLS_KEY_FILE', tls.keyFile, KEY),
    cert: read('WRIT_TLS_CERT_FILE', tls.certFile, CERT),
    ...(ca.length > 0 ? { ca } : {}),
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  };
}

const CERT = /-----BEGIN CERTIFICATE-----/;
const KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;

/**
 * Most certificates taken from a TLS peer chain.
 *
 * @example
 * ```ts
 * MAX_PEER_CHAIN; // 10
 * ```
 */
export const MAX_PEER_CHAIN = 10;

/**
 * The certificate chain a TLS client presented (leaf first, DER), or undefined when
 * the socket is not TLS or the client sent no certificate. Reads
 * `socket.getPeerCertificate(true)` and follows `issuerCertificate` until it
 * repeats.
 *
 * @example
 * ```ts
 * const chain = peerCertificateChain(request.raw.socket);
 * ```
 */
export function peerCertificateChain(socket: unknown): Uint8Array[] | undefined {
  const get = (socket as { getPeerCertificate?: unknown } | null | undefined)?.getPeerCertificate;
  if (typeof get !== 'function') return undefined;
  let leaf: DetailedPeerCertificate | undefined;
  try {
    leaf = (get as (detailed: boolean) => DetailedPeerCertificate).call(socket, true);
  } catch {
    return undefined;
  }
  if (!leaf || !Buffer.isBuffer(leaf.raw) || leaf.raw.length === 0) return undefined;
  const out: Uint8Array[] = [];
  const seen = new Set<string>();
  for (let cur: DetailedPeerCertificate | undefined = leaf; cur && Buffer.isBuffer(cur.raw) && out.length < MAX_PEER_CHAIN; cur = cur.issuerCertificate) {
    const id = cur.raw.toString('base64');
    if (seen.has(id)) break;
    seen.add(id);
    out.push(new Uint8Array(cur.raw));
  }
  return out;
}
