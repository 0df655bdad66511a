import pino, { type Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { migrate } from '../db/migrate.ts';
import { buildApp } from './app.ts';
import type { App } from './types.ts';

/** A running server and how to stop it. */
export interface RunningServer {
  app: App;
  db: Database;
  url: string;
  /** Stops taking requests, finishes those in flight, then closes the database. */
  stop(): Promise<void>;
}

/** The one logger: structured JSON, with secrets redacted wherever they might appear. */
export function createLogger(config: Config): Logger {
  return pino({
    level: config.LOG_LEVEL,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token'],
      censor: '[redacted]',
    },
  });
}

/** Opens the database, applies migrations and listens on HOST:PORT. */
export async function startServer(config: Config, logger = createLogger(config)): Promise<RunningServer> {
  const db = await openConfiguredDatabase(config);
  try {
    const applied = await db.withSession((s) => migrate(s));
    if (applied.length) logger.info({ applied }, 'migrations applied');
    const app = await buildApp({ db, config, logger, startScheduler: config.JOBS_ENABLED === 'true' });
    await app.listen({ host: config.HOST, port: config.PORT });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
    let stopping: Promise<void> | undefined;
    return {
      app,
      db,
      url,
      stop: () =>
        (stopping ??= (async () => {
          try {
            await app.close(); // waits for requests in flight
          } finally {
            await db.close(); // CHECKPOINT on the embedded database
          }
        })()),
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}
