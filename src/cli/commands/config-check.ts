import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { loadMasterKey } from '../../crypto/keyring/master-key.ts';
import { existsSync } from 'node:fs';

/** `writ config check`: validates the configuration offline and prints it (no secrets). */
export function registerConfigCommands(program: Command, ctx: () => CliContext): void {
  const config = program.command('config').description('inspect configuration');
  config
    .command('check')
    .description('validate environment and writ.yaml; print the effective configuration (no secrets)')
    .action(() => {
      const c = ctx();
      const cfg = c.config();
      const mk = cfg.masterKey;
      let masterKey: string;
      if (mk.kind === 'env') {
        loadMasterKey(mk, c.env);
        masterKey = 'WRIT_MASTER_KEY (valid)';
      } else if (existsSync(mk.path)) {
        loadMasterKey({ ...mk, generateIfMissing: false }, c.env);
        masterKey = `${mk.path} (valid)`;
      } else {
        masterKey = mk.generateIfMissing ? `${mk.path} (will be generated on first start: dev mode)` : `${mk.path} (missing)`;
      }
      const view = {
        valid: true,
        mode: cfg.mode,
        home: cfg.home,
        store: cfg.databaseUrl ? 'postgres' : 'pglite',
        database_url: cfg.databaseUrl ? cfg.databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : null,
        master_key: masterKey,
        listen: `${cfg.listen.host}:${cfg.listen.port}`,
        addr: cfg.addr,
        log_level: cfg.logLevel,
        key_rotation_days: cfg.keyRotationDays,
        config_file: cfg.configFile ?? null,
      };
      c.out.result(view, () =>
        [
          'configuration is valid',
          ...Object.entries(view)
            .filter(([k]) => k !== 'valid')
            .map(([k, v]) => `  ${k.padEnd(18)} ${v ?? '-'}`),
        ].join('\n'),
      );
    });
}
