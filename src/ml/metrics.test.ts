import { describe, expect, it } from 'vitest';
import { ari, nmi } from './metrics.js';

// Expected values from the textbook formulas (arithmetic-mean NMI, Hubert–Arabie ARI), cross-checked with scikit-learn's
// documented examples (adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714…).
describe('nmi', () => {
  it('is 1 for identical and for relabelled partitions', () => {
    expect(nmi([0, 0, 1, 1], [0, 0, 1, 1])).toBeCloseTo(1, 12);
    expect(nmi([0, 0, 1, 1], [1, 1, 0, 0])).toBeCloseTo(1, 12);
    expect(nmi(['a', 'a', 'b'], ['x', 'x', 'y'])).toBeCloseTo(1, 12);
  });
  it('is 0 when one side carries no information', () => {
    expect(nmi([0, 0, 0, 0], [0, 1, 2, 3])).toBeCloseTo(0, 12);
    expect(nmi([0, 1, 0, 1], [0, 0, 1, 1])).toBeCloseTo(0, 12);
  });
  it('matches known values', () => {
    expect(nmi([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])).toBeCloseTo(0.5158037429793888, 12);
    expect(nmi([...'aaabbbcccc'], [...'xxyyyzzzzx'])).toBeCloseTo(0.44270128334604986, 12);
  });
  it('is symmetric', () => {
    const a = [0, 0, 1, 2, 2, 2, 1];
    const b = [1, 1, 1, 0, 0, 2, 2];
    expect(nmi(a, b)).toBeCloseTo(nmi(b, a), 12);
  });
  it('rejects arrays of different length', () => {
    expect(() => nmi([0], [0, 1])).toThrow();
  });
});

describe('ari', () => {
  it('matches known values', () => {
    expect(ari([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.5714285714285715, 12);
    expect(ari([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])).toBeCloseTo(0.24242424242424246, 12);
    expect(ari([...'aaabbbcccc'], [...'xxyyyzzzzx'])).toBeCloseTo(0.2045454545454545, 12);
  });
  it('is 1 for relabelled partitions and 0 for a constant one against singletons', () => {
    expect(ari([0, 0, 1, 1], [1, 1, 0, 0])).toBeCloseTo(1, 12);
    expect(ari([0, 0, 0, 0], [0, 1, 2, 3])).toBeCloseTo(0, 12);
  });
  it('can be negative for worse-than-chance agreement', () => {
    expect(ari([0, 0, 1, 1], [0, 1, 0, 1])).toBeLessThan(0);
  });
});
