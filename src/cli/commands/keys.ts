import type { Command } from 'commander';
import type { KeyInfoWire } from '../../contracts/keys.ts';
import type { CliContext } from '../context.ts';

function line(k: KeyInfoWire): string {
  return `${k.kid}  ${k.purpose.padEnd(6)} ${k.alg.padEnd(6)} ${k.status.padEnd(8)} ${k.created_at}${k.revocation_reason ? `  (${k.revocation_reason})` : ''}`;
}

/** `writ keys list | rotate | revoke <kid>`: the keyring, through the server's admin API. */
export function registerKeysCommands(program: Command, ctx: () => CliContext): void {
  const keys = program.command('keys').description('manage signing keys (through the server API)');
  keys
    .command('list')
    .option('--purpose <purpose>', 'token | ledger')
    .description('list keys: kid, purpose, algorithm, status')
    .action(async (opts: { purpose?: string }) => {
      const c = ctx();
      const q = opts.purpose ? `?purpose=${encodeURIComponent(opts.purpose)}` : '';
      const res = await c.client().get<{ keys: KeyInfoWire[] }>(`/v1/keys${q}`);
      c.out.result(res, () => (res.keys.length ? res.keys.map(line).join('\n') : 'no keys'));
    });
  keys
    .command('rotate')
    .option('--purpose <purpose>', 'token | ledger', 'token')
    .option('--alg <alg>', 'EdDSA | ES256', 'EdDSA')
    .description('create a new active key; the previous one is retired (still verifies)')
    .action(async (opts: { purpose: string; alg: string }) => {
      const c = ctx();
      const res = await c.client().post<{ created: KeyInfoWire; retired: KeyInfoWire | null }>('/v1/keys/rotate', { purpose: opts.purpose, alg: opts.alg });
      c.out.result(res, () => `rotated ${res.created.purpose} key: new active ${res.created.kid}${res.retired ? `, retired ${res.retired.kid}` : ''}`);
    });
  keys
    .command('revoke')
    .argument('<kid>', 'key id to revoke')
    .requiredOption('--reason <text>', 'why (recorded)')
    .description('revoke a key: every token it signed is denied')
    .action(async (kid: string, opts: { reason: string }) => {
      const c = ctx();
      const res = await c.client().post<KeyInfoWire>(`/v1/keys/${encodeURIComponent(kid)}/revoke`, { reason: opts.reason });
      c.out.result(res, () => `revoked ${res.kid} (${res.purpose})`);
    });
}
