/** Counts events per key in fixed windows; answers whether a key is over its limit. */
export interface RateLimiter {
  /** Records one event for key; true when the key has gone over the limit in this window. */
  hit(key: string): Promise<boolean>;
  /** Whether key is over the limit now, without recording anything. */
  isLimited(key: string): Promise<boolean>;
  /** Forgets key (after a successful sign-in, say). */
  reset(key: string): Promise<void>;
}

/** In-process fixed-window limiter (one server instance). */
export function memoryRateLimiter(limit: number, windowMs: number, now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const current = (key: string) => {
    const w = windows.get(key);
    if (!w || now() - w.start >= windowMs) return undefined;
    return w;
  };
  return {
    async hit(key) {
      if (windows.size > 100_000) {
        for (const [k] of windows) if (!current(k)) windows.delete(k);
      }
      const w = current(key) ?? { start: now(), count: 0 };
      w.count++;
      windows.set(key, w);
      return w.count > limit;
    },
    async isLimited(key) {
      return (current(key)?.count ?? 0) >= limit;
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}
