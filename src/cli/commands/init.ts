import type { Command } from 'commander';
import { systemClock } from '../../common/clock.ts';
import { bootstrap } from '../../server/bootstrap.ts';
import type { CliContext } from '../context.ts';

/** `writ init`: creates `$WRIT_HOME`, the store, the keyring and the local admin credential. */
export function registerInitCommand(program: Command, ctx: () => CliContext): void {
  program
    .command('init')
    .description('initialise $WRIT_HOME: store, master key (dev), signing keys, local admin credential')
    .action(async () => {
      const c = ctx();
      const config = c.config();
      c.out.info(`initialising ${config.home} (${config.databaseUrl ? 'postgres' : 'embedded pglite'} store, ${config.mode} mode)…`);
      const boot = await bootstrap(config, systemClock, { allowInit: true, env: c.env });
      try {
        const keys = await boot.keyring.list();
        const result = {
          home: config.home,
          mode: config.mode,
          store: boot.store.kind,
          initialised: boot.initialised,
          master_key_generated: boot.masterKeyGenerated,
          admin_credential_issued: boot.adminCredentialIssued,
          keys: keys.map((k) => ({ kid: k.kid, purpose: k.purpose, alg: k.alg, status: k.status })),
        };
        c.out.result(result, () =>
          [
            boot.initialised ? `initialised ${config.home}` : `${config.home} was already initialised`,
            ...(boot.masterKeyGenerated ? [`  master key generated: ${config.home}/master.key (0600) — dev mode only`] : []),
            ...(boot.adminCredentialIssued ? [`  admin credential written: ${config.home}/admin.token (0600)`] : []),
            ...keys.map((k) => `  key ${k.kid} ${k.purpose} ${k.alg} ${k.status}`),
          ].join('\n'),
        );
      } finally {
        await boot.store.close();
      }
    });
}
