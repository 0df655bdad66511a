import { describe, expect, it } from 'vitest';
import { analyzeCorpus } from './corpus.js';
import { buildFeatures, noteFeatures } from './features.js';
import { lightStem, tokenize } from './tokenize.js';
import { fitTfidf, transformTfidf } from './tfidf.js';

describe('tokenize', () => {
  it('lower-cases, drops stop words, numbers, URLs and Markdown link targets', () => {
    const toks = tokenize('The [Firewall rules](https://example.com/x) for 2024: see www.example.org and **iptables** v2!');
    expect(toks.map((t) => t.surface)).toEqual(['firewall', 'rules', 'iptables', 'v2']);
  });
  it('marks adjacency so bigrams never span stop words or punctuation', () => {
    const toks = tokenize('window manager, and the desktop environment');
    expect(toks.map((t) => [t.surface, t.joined])).toEqual([
      ['window', false],
      ['manager', true],
      ['desktop', false],
      ['environment', true],
    ]);
  });
  it('stems plurals conservatively', () => {
    expect(['libraries', 'boxes', 'files', 'status', 'analysis', 'class', 'patches'].map(lightStem)).toEqual([
      'library',
      'box',
      'file',
      'status',
      'analysis',
      'class',
      'patch',
    ]);
  });
});

describe('TF-IDF', () => {
  const texts = ['firewall rules and ports', 'firewall ports open', 'bread recipe with yeast', 'yeast bread flour', 'unique words only'];
  it('keeps terms by document frequency and L2-normalises rows', () => {
    const { model, matrix } = fitTfidf(analyzeCorpus(texts), { minDf: 2, maxDfRatio: 1 });
    expect(new Set(model.terms)).toEqual(new Set(['firewall', 'port', 'bread', 'yeast']));
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let p = matrix.indptr[i]!; p < matrix.indptr[i + 1]!; p++) s += matrix.data[p]! ** 2;
      expect(s).toBeCloseTo(1, 5);
    }
    expect(matrix.indptr[5]! - matrix.indptr[4]!).toBe(0); // no kept terms → empty row
  });
  it('transforms a training text to the same row it was fitted with', () => {
    const corpus = analyzeCorpus(texts);
    for (const weighting of ['idf', 'entropy'] as const) {
      const { model, matrix } = fitTfidf(corpus, { minDf: 2, maxDfRatio: 1, weighting, bigrams: true });
      const row = transformTfidf(model, [texts[1]!]);
      const a = Array.from(matrix.data.subarray(matrix.indptr[1]!, matrix.indptr[2]!));
      expect(Array.from(row.data)).toEqual(a);
    }
  });
  it('uses sublinear tf', () => {
    const { matrix } = fitTfidf(analyzeCorpus(['cat cat cat cat dog', 'cat dog']), { minDf: 1, maxDfRatio: 1 });
    const [c, d] = Array.from(matrix.data.subarray(0, 2));
    expect(c! / d!).toBeCloseTo(1 + Math.log(4), 5);
  });
});

describe('buildFeatures', () => {
  const texts = Array.from({ length: 40 }, (_, i) =>
    i % 2 ? `firewall ports network rules packet filter ${i % 5 ? 'iptables' : 'nftables'}` : `bread yeast flour oven baking ${i % 3 ? 'rye' : 'wheat'}`,
  );
  it('produces unit rows and places a new note like its training twin', () => {
    const { x, model } = buildFeatures(texts, undefined, { dims: 5 });
    expect(x.cols).toBe(model.dim);
    const v = noteFeatures(model, texts[3]!);
    const row = x.data.subarray(3 * x.cols, 4 * x.cols);
    v.forEach((val, j) => expect(val).toBeCloseTo(row[j]!, 6));
    expect(Math.hypot(...v)).toBeCloseTo(1, 6);
  });
  it('concatenates embeddings with the configured weight, and ignores them below the coverage floor', () => {
    const emb = texts.map((_, i) => Float32Array.from([i % 2, 1 - (i % 2), 0]));
    const { x, model } = buildFeatures(texts, emb, { dims: 5, embeddingWeight: 0.25 });
    expect(model.embeddingDim).toBe(3);
    let e = 0;
    for (let j = model.dim - 3; j < model.dim; j++) e += x.data[j]! ** 2;
    expect(e).toBeCloseTo(0.25, 6);
    const sparse = texts.map((_, i) => (i < 5 ? emb[i] : undefined));
    expect(buildFeatures(texts, sparse, { dims: 5 }).model.embeddingDim).toBe(0);
  });
});
