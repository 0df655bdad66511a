import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createLogger, startServer } from '../server/start.ts';

/** `mindstorm serve` (what `npm start` runs): the API and the web app, until SIGTERM or SIGINT. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the MindStorm server on HOST:PORT (default 127.0.0.1:3000)')
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger(config);
      const server = await startServer(config, logger);
      logger.info({ url: server.url, database: server.db.kind }, `MindStorm is listening on ${server.url}`);
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          logger.info({ signal }, 'shutting down: finishing requests in flight');
          server.stop().then(
            () => {
              logger.info('stopped cleanly');
              resolve();
            },
            (err: Error) => {
              logger.error({ err: { type: err.name } }, 'unclean shutdown');
              process.exitCode = 1;
              resolve();
            },
          );
        };
        process.once('SIGTERM', shutdown);
        process.once('SIGINT', shutdown);
      });
    });
}
