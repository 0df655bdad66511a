import { describe, expect, it } from 'vitest';
import { EMBEDDING_COLUMN_DIMS, toVectorLiteral } from './provider.ts';

describe('vectors for the 1536-wide column', () => {
  it('pads with zeros, keeping the values and so the cosine', () => {
    const p = JSON.parse(toVectorLiteral(new Float32Array([0.6, 0.8]))) as number[];
    expect(p).toHaveLength(EMBEDDING_COLUMN_DIMS);
    expect(p.slice(0, 2)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(p.slice(2).every((x) => x === 0)).toBe(true);
  });

  it('rejects vectors longer than the column', () => {
    expect(() => toVectorLiteral(new Float32Array(1537))).toThrow(/more than 1536/);
  });
});
