import { describe, expect, it } from 'vitest';
import { backoff } from '../../web/src/lib/outbox.ts';

describe('outbox back-off', () => {
  it('doubles from one second to a ceiling of thirty, with jitter of ±20%', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((a) => backoff(a, mid))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(backoff(1, () => 0)).toBe(800);
    expect(backoff(1, () => 1)).toBe(1200);
  });
});
