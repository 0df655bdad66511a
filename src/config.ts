import { z } from 'zod';

const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);

// One schema over process.env, parsed once at start: a bad variable fails fast and is named.
const envSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  MINDSTORM_DATA_DIR: z.string().min(1).default('./data'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  EMBEDDINGS_PROVIDER: z.enum(['local', 'openai']).default('local'),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().default('https://api.openai.com/v1'),
  EMBEDDINGS_MODEL: z.string().min(1).default('text-embedding-3-small'),
  REDIS_URL: z.string().url().optional(),
  DB_POOL_MAX: int(20),
  DB_POOL_IDLE_MS: int(30_000),
  DB_POOL_MAX_LIFETIME_S: int(3600),
  SLOW_QUERY_MS: int(5000),
  DB_STORAGE_LIMIT_BYTES: z.coerce.number().int().positive().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Weekly insights: `openai` adds a narrative paragraph from an OpenAI-compatible chat endpoint
  // (OPENAI_BASE_URL, OPENAI_API_KEY when it needs one); off by default, and any failure falls back.
  INSIGHTS_LLM: z.enum(['off', 'openai']).default('off'),
  CHAT_MODEL: z.string().min(1).default('gpt-4o-mini'),
  INSIGHTS_LLM_TIMEOUT_MS: int(30_000),
  // The scheduled jobs (insights, retention, clean-up, re-clustering, embedding backfill) in `serve`.
  JOBS_ENABLED: z.enum(['true', 'false']).default('true'),
  // Where scheduled backups go (daily kept 30 days, hourly 7); unset: <MINDSTORM_DATA_DIR>/backups.
  MINDSTORM_BACKUP_DIR: z.string().min(1).optional(),
});

export type Config = z.infer<typeof envSchema>;

/** Thrown for a bad environment variable; the message names the variable, never its value. */
export class ConfigError extends Error {}

/** Parses the environment (process.env by default) into the typed configuration. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  return parsed.data;
}
