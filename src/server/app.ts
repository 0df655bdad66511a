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
import { AccountsService } from '../services/accounts.service.ts';
import { NotesService } from '../services/notes.service.ts';
import { memoryRateLimiter, type RateLimiter } from '../services/rate-limit.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { notesRoutes } from './routes/notes.routes.ts';
import { tokensRoutes } from './routes/tokens.routes.ts';
import type { App } from './types.ts';

/** What the app needs from the outside world. */
export interface AppDeps {
  db: Database;
  config: Config;
  logger: Logger;
  /** Sign-in limits; by default 10 failures per account and 100 attempts per address in 15 minutes. */
  signInLimits?: { perAccount: RateLimiter; perAddress: RateLimiter };
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

  const accounts = new AccountsService(
    deps.db,
    deps.signInLimits ?? { perAccount: memoryRateLimiter(10, FIFTEEN_MINUTES), perAddress: memoryRateLimiter(100, FIFTEEN_MINUTES) },
  );
  const notes = new NotesService(deps.db);
  app.decorateRequest('principal', null);
  healthRoutes(app, deps.db);
  authRoutes(app, accounts);
  tokensRoutes(app, accounts);
  notesRoutes(app, accounts, notes);
  return app;
}
