import { describe, expect, it } from 'vitest';
import { poolBm25, rerank } from './rerank.ts';

describe('pool BM25', () => {
  it('weights rare terms above common ones and saturates repeated terms', () => {
    const docs = [['cat', 'dog'], ['cat', 'fish'], ['cat', 'cat', 'cat', 'cat'], ['zebra', 'cat']];
    const s = poolBm25(docs, ['zebra', 'cat']);
    expect(s[3]).toBeGreaterThan(s[0]!); // the rare term decides
    expect(s[2]! / s[0]!).toBeLessThan(4); // four times the term is not four times the score
    expect(poolBm25([], ['x'])).toEqual([]);
    expect(poolBm25([['a']], [])).toEqual([0]);
  });
});

describe('hybrid rerank', () => {
  it('lets an exact rare name outrank a slightly closer meaning', () => {
    const ranked = rerank('shellinabox web terminal', [
      { id: 'a', text: 'A terminal emulator for the desktop with tabs.', version: 1, cosine: 0.52 },
      { id: 'b', text: 'Shellinabox exports a command line shell to a web browser.', version: 1, cosine: 0.5 },
      { id: 'c', text: 'Bread recipes.', version: 1, cosine: 0.1 },
    ]);
    expect(ranked.map((r) => r.id)).toEqual(['b', 'a', 'c']);
  });

  it('matches compounds through character trigrams', () => {
    const ranked = rerank('audio processing', [
      { id: 'x', text: 'torchaudio brings PyTorch to sound', version: 1, cosine: 0.3 },
      { id: 'y', text: 'a library for images', version: 1, cosine: 0.3 },
    ]);
    expect(ranked[0]!.id).toBe('x');
  });

  it('keeps the cosine order when the text says nothing', () => {
    const ranked = rerank('?!', [
      { id: 'p', text: 'alpha', version: 1, cosine: 0.2 },
      { id: 'q', text: 'beta', version: 1, cosine: 0.4 },
    ]);
    expect(ranked.map((r) => r.id)).toEqual(['q', 'p']);
  });
});

describe('hybrid rerank memory of notes', () => {
  it('reads an edited note again: the same id with a new version is scored on its new words', () => {
    const other = { id: 'o', text: 'unrelated words here', version: 1, cosine: 0.3 };
    const score = (text: string, version: number) =>
      rerank('zebra stripes', [{ id: 'n', text, version, cosine: 0.3 }, other]).find((r) => r.id === 'n')!.score;
    expect(score('a note about cats and dogs', 1)).toBeCloseTo(0.3, 10);
    expect(score('a note about zebra stripes', 2)).toBeGreaterThan(0.3); // the same length, a new version
    expect(score('a note about cats', 3)).toBeCloseTo(0.3, 10);
  });
});
