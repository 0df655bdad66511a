import { Matrix, SVD } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { hungarian } from './hungarian.js';
import { kmeans, normalizeRows } from './kmeans.js';
import { knnCosine } from './knn.js';
import { graphFromEdges, louvain } from './louvain.js';
import { createRng, sampleIndices } from './random.js';
import type { CsrMatrix, DenseMatrix } from './sparse.js';
import { csrTimesDense, csrTransposeTimesDense } from './sparse.js';
import { projectSvd, randomizedSvd } from './svd.js';

function randomSparse(rows: number, cols: number, density: number, seed: number): { csr: CsrMatrix; dense: number[][] } {
  const rng = createRng(seed);
  const dense = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rng() < density ? rng() : 0)));
  const indptr = new Int32Array(rows + 1);
  const idx: number[] = [];
  const val: number[] = [];
  dense.forEach((r, i) => {
    r.forEach((v, j) => {
      if (v !== 0) {
        idx.push(j);
        val.push(v);
      }
    });
    indptr[i + 1] = idx.length;
  });
  return { csr: { nRows: rows, nCols: cols, indptr, indices: Int32Array.from(idx), data: Float32Array.from(val) }, dense: dense.map((r) => r.map((v) => Math.fround(v))) };
}

describe('random', () => {
  it('is reproducible and samples without replacement', () => {
    const a = createRng(5);
    const b = createRng(5);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    const s = sampleIndices(100, 30, createRng(1));
    expect(new Set(s).size).toBe(30);
    expect(s.every((i) => i >= 0 && i < 100)).toBe(true);
  });
});

describe('sparse products', () => {
  it('match dense arithmetic', () => {
    const { csr, dense } = randomSparse(7, 5, 0.4, 2);
    const m: DenseMatrix = { rows: 5, cols: 3, data: Float64Array.from({ length: 15 }, (_, i) => i - 7) };
    const got = csrTimesDense(csr, m);
    const want = new Matrix(dense).mmul(new Matrix(5, 3).apply(function (this: Matrix, i, j) { this.set(i, j, m.data[i * 3 + j]!); }));
    for (let i = 0; i < 7; i++) for (let j = 0; j < 3; j++) expect(got.data[i * 3 + j]).toBeCloseTo(want.get(i, j), 9);
    const m2: DenseMatrix = { rows: 7, cols: 2, data: Float64Array.from({ length: 14 }, (_, i) => (i % 5) - 2) };
    const got2 = csrTransposeTimesDense(csr, m2);
    const want2 = new Matrix(dense).transpose().mmul(new Matrix(7, 2).apply(function (this: Matrix, i, j) { this.set(i, j, m2.data[i * 2 + j]!); }));
    for (let i = 0; i < 5; i++) for (let j = 0; j < 2; j++) expect(got2.data[i * 2 + j]).toBeCloseTo(want2.get(i, j), 9);
  });
});

describe('randomizedSvd', () => {
  it('recovers the leading singular values and subspace of ml-matrix’s exact SVD', () => {
    const { csr, dense } = randomSparse(60, 40, 0.15, 3);
    const exact = new SVD(new Matrix(dense), { autoTranspose: true });
    const k = 5;
    const approx = randomizedSvd(csr, k, { seed: 1, powerIterations: 4 });
    // Randomized SVD is approximate by design: singular values within 0.1%.
    for (let c = 0; c < k; c++) expect(Math.abs(approx.singularValues[c]! - exact.diagonal[c]!) / exact.diagonal[c]!).toBeLessThan(1e-3);
    // Projections match |U Σ| column by column (up to sign).
    const proj = projectSvd(approx, csr);
    const us = exact.leftSingularVectors.mmul(Matrix.diag(exact.diagonal));
    for (let c = 0; c < k; c++) {
      let dotp = 0;
      let na = 0;
      let nb = 0;
      for (let i = 0; i < 60; i++) {
        dotp += proj.data[i * k + c]! * us.get(i, c);
        na += proj.data[i * k + c]! ** 2;
        nb += us.get(i, c) ** 2;
      }
      expect(Math.abs(dotp) / Math.sqrt(na * nb)).toBeGreaterThan(0.99);
    }
  });
  it('is deterministic for a seed', () => {
    const { csr } = randomSparse(30, 20, 0.3, 4);
    expect(Array.from(randomizedSvd(csr, 4, { seed: 9 }).components.data)).toEqual(Array.from(randomizedSvd(csr, 4, { seed: 9 }).components.data));
  });
});

/** Three well separated groups of unit vectors in 10-D. */
function blobs(perGroup: number, seed: number): { x: DenseMatrix; truth: number[] } {
  const rng = createRng(seed);
  const d = 10;
  const x: DenseMatrix = { rows: 3 * perGroup, cols: d, data: new Float64Array(3 * perGroup * d) };
  const truth: number[] = [];
  for (let g = 0; g < 3; g++) {
    for (let i = 0; i < perGroup; i++) {
      const r = g * perGroup + i;
      for (let j = 0; j < d; j++) x.data[r * d + j] = (j === g * 3 ? 1 : 0) + 0.15 * (rng() - 0.5);
      truth.push(g);
    }
  }
  return { x: normalizeRows(x), truth };
}

describe('knnCosine', () => {
  it('finds the same neighbours as a brute-force sort', () => {
    const { x } = blobs(10, 1);
    const g = knnCosine(x, 4);
    for (let i = 0; i < x.rows; i++) {
      const sims = Array.from({ length: x.rows }, (_, j) => {
        let s = 0;
        for (let t = 0; t < x.cols; t++) s += x.data[i * x.cols + t]! * x.data[j * x.cols + t]!;
        return { j, s };
      }).filter((e) => e.j !== i).sort((a, b) => b.s - a.s);
      for (let p = 0; p < 4; p++) expect(g.sims[i * 4 + p]).toBeCloseTo(sims[p]!.s, 5);
    }
  });
});

describe('louvain', () => {
  it('splits two cliques joined by one edge', () => {
    const edges: [number, number, number][] = [];
    for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) edges.push([a, b, 1], [a + 5, b + 5, 1]);
    edges.push([0, 5, 1]);
    const comm = louvain(graphFromEdges(10, edges), { seed: 3 });
    expect(new Set(comm.slice(0, 5)).size).toBe(1);
    expect(new Set(comm.slice(5)).size).toBe(1);
    expect(comm[0]).not.toBe(comm[5]);
  });
  it('finds the blobs of a kNN graph and is deterministic', () => {
    const { x, truth } = blobs(20, 2);
    const g = knnCosine(x, 6);
    const edges: [number, number, number][] = [];
    for (let i = 0; i < x.rows; i++) for (let p = 0; p < g.k; p++) edges.push([i, g.indices[i * g.k + p]!, g.sims[i * g.k + p]!]);
    const a = louvain(graphFromEdges(x.rows, edges), { seed: 1 });
    const b = louvain(graphFromEdges(x.rows, edges), { seed: 1 });
    expect(Array.from(a)).toEqual(Array.from(b));
    for (let grp = 0; grp < 3; grp++) expect(new Set(truth.map((t, i) => (t === grp ? a[i] : -1)).filter((v) => v >= 0)).size).toBe(1);
  });
});

describe('kmeans', () => {
  it('separates blobs, deterministically for a seed', () => {
    const { x, truth } = blobs(15, 5);
    const a = kmeans(x, 3, { seed: 2, nInit: 2 });
    const b = kmeans(x, 3, { seed: 2, nInit: 2 });
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    for (let grp = 0; grp < 3; grp++) expect(new Set(truth.map((t, i) => (t === grp ? a.labels[i] : -1)).filter((v) => v >= 0)).size).toBe(1);
  });
});

describe('hungarian', () => {
  function brute(cost: number[][]): number {
    const n = cost.length;
    const perm = (arr: number[]): number[][] => (arr.length <= 1 ? [arr] : arr.flatMap((v, i) => perm([...arr.slice(0, i), ...arr.slice(i + 1)]).map((p) => [v, ...p])));
    return Math.min(...perm(Array.from({ length: cost[0]!.length }, (_, i) => i)).map((p) => cost.reduce((s, row, i) => s + (i < n ? row[p[i]!]! : 0), 0)));
  }
  it('finds the minimum-cost assignment', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 20; trial++) {
      const rows = 2 + (trial % 4);
      const cols = rows + (trial % 2);
      const cost = Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.round(rng() * 20)));
      const a = hungarian(cost);
      expect(new Set(a).size).toBe(rows);
      expect(a.reduce((s, c, i) => s + cost[i]![c]!, 0)).toBe(brute(cost));
    }
  });
  it('leaves extra rows unassigned', () => {
    const a = hungarian([[1], [0], [5]]);
    expect(a.filter((c) => c === 0)).toHaveLength(1);
    expect(a[1]).toBe(0);
  });
});
