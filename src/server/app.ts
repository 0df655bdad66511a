import Fastify, { type FastifyBaseLogger } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { installErrorHandler } from './error-handler.ts';
import { installMetrics } from '../ops/metrics.ts';
import { backupDir, lastSuccessfulBackup } from '../ops/backup.ts';
import { createCache, type Cache } from '../cache/cache.ts';
import { AccountsService } from '../services/accounts.service.ts';
import { NotesService } from '../services/notes.service.ts';
import { SearchService } from '../services/search.service.ts';
import { ClustersService } from '../services/clusters.service.ts';
import { createEmbeddingProvider, type EmbeddingProvider } from '../embeddings/provider.ts';
import { EmbeddingWorker } from '../embeddings/worker.ts';
import { StacksService } from '../services/stacks.service.ts';
import { VaultService } from '../services/vault.service.ts';
import { memoryRateLimiter, type RateLimiter } from '../services/rate-limit.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { notesRoutes } from './routes/notes.routes.ts';
import { searchRoutes } from './routes/search.routes.ts';
import { clustersRoutes } from './routes/clusters.routes.ts';
import { stacksRoutes } from './routes/stacks.routes.ts';
import { vaultRoutes } from './routes/vault.routes.ts';
import { tokensRoutes } from './routes/tokens.routes.ts';
import { insightsRoutes } from './routes/insights.routes.ts';
import { settingsRoutes } from './routes/settings.routes.ts';
import { exportRoutes } from './routes/export.routes.ts';
import { InsightsService } from '../services/insights.service.ts';
import { createNarrator } from '../services/insight-narrative.ts';
import { SettingsService } from '../services/settings.service.ts';
import { createScheduler } from '../jobs/index.ts';
import type { App } from './types.ts';

/** What the app needs from the outside world. */
export interface AppDeps {
  db: Database;
  config: Config;
  logger: Logger;
  /** The embeddings provider; by default the configured one. */
  embeddings?: EmbeddingProvider;
  /** Whether the background embedding worker runs (tests drain it by hand). Default true. */
  startWorker?: boolean;
  /** The cache; by default in-process, or Redis with REDIS_URL. */
  cache?: Cache;
  /** Sign-in limits; by default 10 failures per account and 100 attempts per address in 15 minutes. */
  signInLimits?: { perAccount: RateLimiter; perAddress: RateLimiter };
  /** Whether the job scheduler runs (`serve` starts it; tests run its ticks by hand). Default false. */
  startScheduler?: boolean;
  /** The clock of insights and jobs (tests move it). */
  now?: () => Date;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The job scheduler: `status()` is each job's last run, for the metrics endpoint. */
    scheduler: import('../jobs/scheduler.ts').Scheduler;
  }
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;

const utf8 = new TextDecoder('utf-8', { fatal: true });

// JSON bodies must be valid UTF-8: a lenient decoder would silently store U+FFFD in notes.
function parseJson(_req: unknown, body: Buffer, done: (err: Error | null, value?: unknown) => void): void {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    done(new AppError('invalid_encoding', 'request body is not valid UTF-8'));
    return;
  }
  if (text.trim() === '') {
    done(null, undefined);
    return;
  }
  try {
    done(null, JSON.parse(text));
  } catch {
    done(new AppError('invalid_json', 'request body is not valid JSON'));
  }
}

/** Builds the HTTP app: JSON API, OpenAPI document and docs page, health probes. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const app: App = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: 256 * 1024, // a note is at most 100 KB; larger bodies are refused with 413
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parseJson);
  app.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  installErrorHandler(app);

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'MindStorm API', version: '1.0.0', description: 'Notes that think with you.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A session token or a personal API token' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'mindstorm_session' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const cache = deps.cache ?? createCache(deps.config.REDIS_URL);
  if (!deps.cache) app.addHook('onClose', async () => cache.close());
  const accounts = new AccountsService(
    deps.db,
    deps.signInLimits ?? { perAccount: memoryRateLimiter(10, FIFTEEN_MINUTES), perAddress: memoryRateLimiter(100, FIFTEEN_MINUTES) },
    cache,
  );
  const provider = deps.embeddings ?? createEmbeddingProvider(deps.config);
  const clusters = new ClustersService(deps.db, { embeddingModel: provider.model, embeddingDims: provider.dimensions, logger: deps.logger, cache });
  app.decorate('clusters', clusters);
  // newly embedded notes join their nearest cluster, or trigger a full re-clustering when enough changed
  const worker = new EmbeddingWorker(deps.db, provider, { logger: deps.logger, onEmbedded: (userIds) => clusters.onEmbedded(userIds) });
  app.decorate('embeddingWorker', worker);
  if (deps.startWorker !== false) app.addHook('onReady', async () => worker.start());
  app.addHook('onClose', async () => worker.stop());
  const insights = new InsightsService(deps.db, { now: deps.now, narrator: createNarrator(deps.config), logger: deps.logger, cache });
  const settings = new SettingsService(deps.db);
  const scheduler = createScheduler({ ...deps, insights, clusters, worker, backgroundWorker: deps.startWorker !== false });
  app.decorate('scheduler', scheduler);
  if (deps.startScheduler) app.addHook('onReady', async () => scheduler.start());
  app.addHook('onClose', async () => scheduler.stop());
  installMetrics(app, {
    db: deps.db,
    logger: deps.logger,
    embeddingQueue: () => worker.waiting(),
    jobs: () => scheduler.lastOutcomes(),
    lastBackup: () => lastSuccessfulBackup(backupDir(deps.config)),
    dataDir: deps.config.DATABASE_URL ? undefined : deps.config.MINDSTORM_DATA_DIR,
    storageLimitBytes: deps.config.DB_STORAGE_LIMIT_BYTES,
  });
  const notes = new NotesService(deps.db, () => worker.wake(), cache);
  const search = new SearchService(deps.db, provider, { logger: deps.logger });
  const stacks = new StacksService(deps.db);
  const vault = new VaultService(deps.db);
  app.decorateRequest('principal', null);
  healthRoutes(app, deps.db);
  authRoutes(app, accounts);
  tokensRoutes(app, accounts);
  notesRoutes(app, accounts, notes);
  searchRoutes(app, accounts, search);
  clustersRoutes(app, accounts, clusters);
  stacksRoutes(app, accounts, stacks);
  vaultRoutes(app, accounts, vault);
  insightsRoutes(app, accounts, insights);
  settingsRoutes(app, accounts, settings);
  exportRoutes(app, accounts, deps.db, () => worker.wake());
  await (await import('./web.ts')).registerWeb(app); // the web app (web/dist) and its SPA fallback, after every API route
  return app;
}
