/**
 * Shared helpers of the SPIFFE tests: a store with the dev CA table, test CAs whose
 * keys the test holds (to build valid and deliberately broken SVIDs), and signers.
 */
import { generateKeyPairSync, randomBytes, sign as nodeSign, type KeyObject, type X509Certificate } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ManualClock } from '../../../src/common/clock.ts';
import { LocalKeyProvider } from '../../../src/crypto/keyring/local-key-provider.ts';
import { DevCa } from '../../../src/identity/spiffe/dev-ca.ts';
import { issueCertificate, keyIdentifier, type CertificateSigner, type CertificateSpec, type SimpleName } from '../../../src/identity/spiffe/x509-issue.ts';
import { migrateToLatest } from '../../../src/store/migrate.ts';
import { spiffeMigration } from '../../../src/store/migrations/009-spiffe.ts';
import type { Store } from '../../../src/store/store.ts';
import { openTestStore } from '../../harness/test-store.ts';

/** A fresh test store (PGlite or PostgreSQL per WRIT_TEST_STORE) with migration 009 applied. */
export async function openSpiffeStore(): Promise<Store> {
  const store = await openTestStore();
  await migrateToLatest(store.db as unknown as Kysely<unknown>, [spiffeMigration]);
  return store;
}

/** The dev CA of a fresh store, its clock and master key. */
export async function openDevCa(store: Store, options: { now?: Date; trustDomain?: string; masterKey?: Buffer } = {}): Promise<{ devCa: DevCa; clock: ManualClock; masterKey: Buffer }> {
  const clock = new ManualClock(options.now ?? new Date('2026-06-01T00:00:00Z'));
  const masterKey = options.masterKey ?? randomBytes(32);
  const devCa = await DevCa.open({ store, provider: new LocalKeyProvider(masterKey), clock, trustDomain: options.trustDomain ?? 'writ.dev' });
  return { devCa, clock, masterKey };
}

/** A certificate signer over a node private key (EC keys sign DER, as X.509 wants). */
export function nodeSigner(privateKey: KeyObject): CertificateSigner {
  return async (tbs) => nodeSign('sha256', tbs, privateKey);
}

/** A CA whose private key the test holds. */
export interface TestCa {
  cert: X509Certificate;
  name: SimpleName;
  privateKey: KeyObject;
  publicKey: KeyObject;
  issuer: NonNullable<CertificateSpec['issuer']>;
}

/** Makes a self-signed test CA (P-256), valid a year around `now`. */
export async function makeTestCa(name: string, now: Date, options: { pathLen?: number; trustDomain?: string; issuer?: TestCa } = {}): Promise<TestCa> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const subject = { organization: 'Writ tests', commonName: name };
  const cert = await issueCertificate({
    subject,
    publicKey,
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 365 * 86_400_000),
    ca: true,
    ...(options.pathLen !== undefined ? { pathLen: options.pathLen } : {}),
    keyUsage: ['keyCertSign', 'cRLSign'],
    ...(options.trustDomain ? { uris: [`spiffe://${options.trustDomain}`] } : {}),
    ...(options.issuer ? { issuer: options.issuer.issuer } : { selfSign: nodeSigner(privateKey) }),
  });
  return { cert, name: subject, privateKey, publicKey, issuer: { name: subject, keyId: keyIdentifier(publicKey), sign: nodeSigner(privateKey) } };
}

/** A leaf certificate signed by `ca`; defaults make a valid X.509-SVID for `uris`. */
export async function makeLeaf(ca: TestCa, now: Date, overrides: Partial<CertificateSpec> = {}): Promise<{ cert: X509Certificate; privateKey: KeyObject }> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const cert = await issueCertificate({
    subject: { organization: 'Writ test SVID' },
    publicKey,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 3600_000),
    ca: false,
    keyUsage: ['digitalSignature'],
    uris: ['spiffe://acme.example/ci/deploy'],
    issuer: ca.issuer,
    ...overrides,
  });
  return { cert, privateKey };
}

/** An EC P-256 key pair. */
export function ecKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}
