import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { JWK } from 'jose';
import { isWritError } from '../../../src/errors/writ-error.ts';
import { MAX_PEER_CHAIN, httpsServerOptions, peerCertificateChain } from '../../../src/identity/spiffe/tls.ts';
import { loadTrustBundles, parseJwtBundle, parseX509Authorities, TrustBundleSet } from '../../../src/identity/spiffe/trust-bundles.ts';
import { makeLeaf, makeTestCa } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'writ-bundles-'));
const now = new Date('2026-06-01T00:00:00Z');
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const jwk = (k: KeyObject, extra: Record<string, unknown> = {}) => ({ ...(k.export({ format: 'jwk' }) as JWK), ...extra });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isWritError(err, 'CONFIG_INVALID'), String(err));
    assert.ok(!err.message.includes('\n'));
    return err.message;
  }
  assert.fail('expected CONFIG_INVALID');
}

test('bundle files load per trust domain: PEM CAs and a JWKS / SPIFFE bundle document', async () => {
  const ca1 = await makeTestCa('one', now);
  const ca2 = await makeTestCa('two', now);
  const ca3 = await makeTestCa('three', now);
  const pem = file('acme.pem', `# acme roots\n${ca1.cert.toString()}\n${ca2.cert.toString()}`);
  const jwks = file('acme.json', JSON.stringify({
    spiffe_sequence: 3,
    keys: [
      jwk(ec.publicKey, { kid: 'k1', use: 'jwt-svid' }),
      { kty: 'EC', use: 'x509-svid', x5c: [ca3.cert.raw.toString('base64')], ...jwk(ca3.publicKey) },
    ],
  }));
  const [b] = loadTrustBundles({ trustDomains: [{ name: 'acme.example', bundleFile: pem, jwtBundleFile: jwks }] });
  assert.equal(b?.trustDomain, 'acme.example');
  assert.deepEqual(b?.x509Authorities.map((c) => c.fingerprint256), [ca1.cert, ca2.cert, ca3.cert].map((c) => c.fingerprint256));
  assert.deepEqual([...(b?.jwtAuthorities.keys() ?? [])], ['k1']);
  const set = new TrustBundleSet(b ? [b] : []);
  assert.equal(set.x509AuthoritiesPem().length, 3);
  assert.match(configError(() => new TrustBundleSet([b as never, b as never])), /two bundles/);
});

test('bundle errors are one line and name the key', async () => {
  const where = (k: string) => new RegExp(`^spiffe\\.trust_domains\\[acme\\.example\\]\\.${k}: `);
  const load = (f: { bundleFile?: string; jwtBundleFile?: string }) => loadTrustBundles({ trustDomains: [{ name: 'acme.example', ...f }] });
  assert.match(configError(() => load({ bundleFile: join(dir, 'missing.pem') })), where('bundle_file'));
  assert.match(configError(() => load({ bundleFile: file('empty.pem', 'nothing here') })), /expected PEM CA certificates, found none/);
  const ca = await makeTestCa('ca', now);
  const leaf = await makeLeaf(ca, now);
  assert.match(configError(() => load({ bundleFile: file('leaf.pem', leaf.cert.toString()) })), /basicConstraints cA=true/);
  const bad = (name: string, doc: unknown) => configError(() => load({ jwtBundleFile: file(name, typeof doc === 'string' ? doc : JSON.stringify(doc)) }));
  assert.match(bad('a.json', 'not json'), where('jwt_bundle_file'));
  assert.match(bad('b.json', { nokeys: [] }), /expected a JWKS/);
  assert.match(bad('c.json', { keys: [jwk(ec.publicKey)] }), /needs a kid/);
  assert.match(bad('d.json', { keys: [jwk(ec.privateKey, { kid: 'x' })] }), /private or symmetric/);
  assert.match(bad('e.json', { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'x' }] }), /private or symmetric/);
  assert.match(bad('f.json', { keys: [jwk(generateKeyPairSync('ed25519').publicKey, { kid: 'x' })] }), /kty "OKP"/);
  assert.match(bad('g.json', { keys: [jwk(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey, { kid: 'x' })] }), /under 2048 bits/);
  assert.match(bad('h.json', { keys: [jwk(ec.publicKey, { kid: 'x', alg: 'RS256' })] }), /not a JWT-SVID algorithm/);
  assert.match(bad('i.json', { keys: [jwk(ec.publicKey, { kid: 'x', alg: 'HS256' })] }), /not a JWT-SVID algorithm/);
  assert.match(bad('j.json', { keys: [jwk(ec.publicKey, { kid: 'x' }), jwk(ec.publicKey, { kid: 'x' })] }), /appears twice/);
  assert.match(bad('k.json', { keys: [jwk(ec.publicKey, { kid: 'x', use: 'enc' })] }), /key use "enc"/);
  assert.match(bad('l.json', { keys: [jwk(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey, { kid: 'x' })] }), /curve "secp256k1"/);
  assert.match(configError(() => parseX509Authorities('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', 'k')), /^k: /);
  assert.equal(parseJwtBundle(JSON.stringify({ keys: [] }), 'k').jwt.length, 0);
});

test('httpsServerOptions: ask for a client certificate without requiring one; file errors name the key', async () => {
  const ca = await makeTestCa('ca', now);
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const certFile = file('tls.crt', ca.cert.toString());
  const keyFile = file('tls.key', key);
  const bundles = new TrustBundleSet([{ trustDomain: 'acme.example', x509Authorities: [ca.cert], jwtAuthorities: new Map(), dev: false }]);
  const o = httpsServerOptions({ certFile, keyFile }, bundles);
  assert.deepEqual([o.requestCert, o.rejectUnauthorized, o.ca, o.key.toString(), o.cert.toString()], [true, false, [ca.cert.toString()], key, ca.cert.toString()]);
  assert.equal('ca' in httpsServerOptions({ certFile, keyFile }), false);
  assert.match(configError(() => httpsServerOptions({ certFile: join(dir, 'none.crt'), keyFile })), /^WRIT_TLS_CERT_FILE: cannot read/);
  assert.match(configError(() => httpsServerOptions({ certFile: keyFile, keyFile })), /^WRIT_TLS_CERT_FILE: .* holds no PEM certificate/);
  assert.match(configError(() => httpsServerOptions({ certFile, keyFile: certFile })), /^WRIT_TLS_KEY_FILE: .* holds no PEM private key/);
});

test('peerCertificateChain: none for plain sockets or no certificate; follows issuers until they repeat', () => {
  assert.equal(peerCertificateChain(undefined), undefined);
  assert.equal(peerCertificateChain({}), undefined);
  assert.equal(peerCertificateChain({ getPeerCertificate: () => ({}) }), undefined);
  assert.equal(peerCertificateChain({ getPeerCertificate: () => { throw new Error('x'); } }), undefined);
  const root: Record<string, unknown> = { raw: Buffer.from([3]) };
  root.issuerCertificate = root;
  const chain = { raw: Buffer.from([1]), issuerCertificate: { raw: Buffer.from([2]), issuerCertificate: root } };
  assert.deepEqual(peerCertificateChain({ getPeerCertificate: () => chain })?.map((c) => [...c]), [[1], [2], [3]]);
  // A cycle that never repeats the leaf's own object still ends at the bound.
  let long: Record<string, unknown> = { raw: Buffer.from([0]) };
  for (let i = 1; i < 50; i++) long = { raw: Buffer.from([i]), issuerCertificate: long };
  assert.equal(peerCertificateChain({ getPeerCertificate: () => long })?.length, MAX_PEER_CHAIN);
});
