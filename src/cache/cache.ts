import { Redis } from 'ioredis';

/** A key-value cache with expiry: in-process by default, Redis (shared by instances) with REDIS_URL. */
export interface Cache {
  readonly kind: 'memory' | 'redis';
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  close(): Promise<void>;
}

/** In-process cache, bounded: the oldest entries go first when it is full. */
export function memoryCache(maxEntries = 50_000, now: () => number = Date.now): Cache {
  const entries = new Map<string, { value: string; expires: number }>();
  return {
    kind: 'memory',
    async get<T>(key: string) {
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.expires <= now()) {
        entries.delete(key);
        return undefined;
      }
      return JSON.parse(e.value) as T; // a copy: callers cannot change what is cached
    },
    async set(key, value, ttlMs) {
      entries.delete(key);
      entries.set(key, { value: JSON.stringify(value), expires: now() + ttlMs });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    async del(...keys) {
      for (const k of keys) entries.delete(k);
    },
    async close() {
      entries.clear();
    },
  };
}

/** Redis cache: every instance sees the same entries, so a write invalidates them for all. */
export function redisCache(url: string, prefix = 'mindstorm:'): Cache {
  const redis = new Redis(url, { keyPrefix: prefix, maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
  redis.on('error', () => undefined); // reads fall back to the database (see cached())
  return {
    kind: 'redis',
    async get<T>(key: string) {
      const v = await redis.get(key);
      return v === null ? undefined : (JSON.parse(v) as T);
    },
    async set(key, value, ttlMs) {
      await redis.set(key, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)));
    },
    async del(...keys) {
      if (keys.length) await redis.del(...keys);
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The configured cache. */
export function createCache(redisUrl?: string): Cache {
  return redisUrl ? redisCache(redisUrl) : memoryCache();
}

/** The guide's query-result cache period: 5 minutes. */
export const QUERY_CACHE_MS = 5 * 60 * 1000;

/**
 * Reads through the cache: the cached value, or load() stored for ttlMs. A cache that fails
 * (Redis down) never fails the read: it goes to the database.
 */
export async function cached<T>(cache: Cache, key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const hit = await cache.get<T>(key).catch(() => undefined);
  if (hit !== undefined) return hit;
  const value = await load();
  await cache.set(key, value, ttlMs).catch(() => undefined);
  return value;
}

/** Cache keys of one user's expensive reads. */
export const userKeys = {
  tags: (userId: string) => `tags:${userId}`,
  clusters: (userId: string) => `clusters:${userId}`,
  insights: (userId: string) => `insights:${userId}`,
};
