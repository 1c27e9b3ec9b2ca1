import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { DevSvidResponse, SpiffeBundlesResponse } from '../../identity/spiffe/contracts.ts';
import type { CliContext } from '../context.ts';

/** File names `writ svid mint` writes for an X.509-SVID. */
export const SVID_FILES = { certificate: 'svid.pem', key: 'svid.key', bundle: 'bundle.pem' } as const;

function writePrivate(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function seconds(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 86_400) throw new InvalidArgumentError('expected whole seconds from 1 to 86400');
  return Number(value);
}

/**
 * `writ svid mint | bundles`: SVIDs from the built-in dev CA (dev mode only) and the
 * server's trust bundles, through the server API. `mint` makes an X.509-SVID by
 * default: a P-256 key pair is generated here, only the public key goes to the
 * server, and `svid.pem`, `svid.key` and `bundle.pem` are written (0600) to
 * `--out-dir`; `--jwt` prints a JWT-SVID instead.
 *
 * @example
 * ```ts
 * registerSvidCommands(program, context);
 * // writ svid mint --spiffe-id spiffe://writ.dev/ci/deploy --out-dir ./svid
 * // TOKEN=$(writ svid mint --spiffe-id spiffe://writ.dev/ci/deploy --jwt --audience writ-gateway)
 * ```
 */
export function registerSvidCommands(program: Command, ctx: () => CliContext): void {
  const svid = program.command('svid').description('SPIFFE workload identities (SVIDs): dev CA and trust bundles');
  svid
    .command('mint')
    .description('DEV MODE ONLY: issue an SVID from the built-in dev CA (X.509 by default, --jwt for a JWT-SVID)')
    .requiredOption('--spiffe-id <id>', 'SPIFFE ID of the workload, e.g. spiffe://writ.dev/ci/deploy')
    .option('--jwt', 'issue a JWT-SVID and print it')
    .option('--audience <aud...>', 'JWT-SVID audience(s) (default: the server\'s, writ-gateway)')
    .option('--ttl <seconds>', 'lifetime in seconds (default 3600 for X.509, 300 for JWT)', seconds)
    .option('--out-dir <dir>', 'where X.509 files go', '.')
    .option('--dns <name...>', 'X.509: extra DNS SANs (to use the SVID as a server certificate)')
    .option('--ip <address...>', 'X.509: extra IP SANs')
    .action(async (opts: { spiffeId: string; jwt?: boolean; audience?: string[]; ttl?: number; outDir: string; dns?: string[]; ip?: string[] }) => {
      const c = ctx();
      const common = { spiffe_id: opts.spiffeId, ...(opts.ttl !== undefined ? { ttl_seconds: opts.ttl } : {}) };
      if (opts.jwt) {
        const res = await c.client().post<DevSvidResponse>('/v1/dev/svids', { kind: 'jwt', ...common, ...(opts.audience ? { audience: opts.audience } : {}) });
        c.out.info(`DEV MODE: JWT-SVID for ${res.spiffe_id}, audience ${(res.audience ?? []).join(',')}, expires ${res.expires_at}`);
        c.out.result(res, () => res.token ?? '');
        return;
      }
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const res = await c.client().post<DevSvidResponse>('/v1/dev/svids', {
        kind: 'x509',
        ...common,
        public_key_pem: publicKey.export({ format: 'pem', type: 'spki' }),
        ...(opts.dns ? { dns_names: opts.dns } : {}),
        ...(opts.ip ? { ip_addresses: opts.ip } : {}),
      });
      const dir = resolve(opts.outDir);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const files = { certificate: join(dir, SVID_FILES.certificate), key: join(dir, SVID_FILES.key), bundle: join(dir, SVID_FILES.bundle) };
      writePrivate(files.key, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
      writePrivate(files.certificate, res.certificate_pem ?? '');
      writePrivate(files.bundle, res.bundle_pem ?? '');
      c.out.result(
        { spiffe_id: res.spiffe_id, expires_at: res.expires_at, files, dev_mode: true },
        () => `DEV MODE: X.509-SVID for ${res.spiffe_id}, expires ${res.expires_at}\n  certificate ${files.certificate}\n  key         ${files.key}\n  bundle      ${files.bundle}`,
      );
    });
  svid
    .command('bundles')
    .description('show the trust bundles the server verifies SVIDs against')
    .action(async () => {
      const c = ctx();
      const res = await c.client().get<SpiffeBundlesResponse>('/v1/spiffe/bundles');
      c.out.result(res, () => [
        `audience ${res.audience}`,
        ...res.trust_domains.map((t) => `${t.name}${t.dev ? ' (dev CA)' : ''}: ${t.x509_authorities.length} X.509 authorit${t.x509_authorities.length === 1 ? 'y' : 'ies'}, ${t.jwt_authorities.length} JWT key(s)`),
      ].join('\n'));
    });
}
