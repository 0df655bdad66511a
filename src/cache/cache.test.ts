import { describe, expect, it } from 'vitest';
import { cached, memoryCache, type Cache } from './cache.ts';

describe('the in-process cache', () => {
  it('expires entries, evicts the oldest when full, and hands out copies', async () => {
    let t = 0;
    const c = memoryCache(2, () => t);
    await c.set('a', { n: 1 }, 100);
    await c.set('b', 2, 100);
    await c.set('c', 3, 100); // evicts a
    expect(await c.get('a')).toBeUndefined();
    expect(await c.get('b')).toBe(2);
    const v = await c.get<{ n: number }>('c');
    expect(v).toBe(3);
    await c.set('o', { n: 1 }, 100);
    (await c.get<{ n: number }>('o'))!.n = 99;
    expect(await c.get('o')).toEqual({ n: 1 });
    t = 100;
    expect(await c.get('b')).toBeUndefined();
  });

  it('reads through, and a failing cache never fails the read', async () => {
    const c = memoryCache();
    let loads = 0;
    const load = async () => ++loads;
    expect(await cached(c, 'k', 1000, load)).toBe(1);
    expect(await cached(c, 'k', 1000, load)).toBe(1);
    await c.del('k');
    expect(await cached(c, 'k', 1000, load)).toBe(2);
    const broken: Cache = { ...c, get: () => Promise.reject(new Error('down')), set: () => Promise.reject(new Error('down')) };
    expect(await cached(broken, 'k', 1000, load)).toBe(3);
  });
});
