import type { Command } from 'commander';
import { runServer } from '../../server/run-server.ts';
import type { CliContext } from '../context.ts';

/** `writ serve`: runs the server until SIGINT/SIGTERM, then shuts down gracefully. */
export function registerServeCommand(program: Command, ctx: () => CliContext): void {
  program
    .command('serve')
    .description('run the Writ server (embedded store by default; initialises $WRIT_HOME on first run in dev mode)')
    .option('--listen <host:port>', 'address to listen on (WRIT_LISTEN; default 127.0.0.1:8787)')
    .action(async (opts: { listen?: string }) => {
      const c = ctx();
      const config = c.config(opts.listen ? { listen: opts.listen } : {});
      const server = await runServer(config);
      c.out.result({ url: server.url, mode: config.mode, home: config.home }, () => `writ serving on ${server.url} (${config.mode} mode, home ${config.home}); Ctrl-C to stop`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          c.out.info(`${signal}: finishing in-flight requests…`);
          server.stop().then(resolve, resolve);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
