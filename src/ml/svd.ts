/** Truncated randomized SVD (Halko et al.) of a sparse TF-IDF matrix: the LSA reduction, own code because ml-matrix's SVD is dense-only. */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { dot, dot4, matmulTransposed } from './linalg.js';
import { createRng, gaussian } from './random.js';
import type { CsrMatrix, DenseMatrix } from './sparse.js';
import { csrTimesDense, csrTransposeTimesDense, denseZeros } from './sparse.js';

/** Fitted LSA projection: term-space directions (terms × k, row-major) and their singular values. */
export interface SvdModel {
  /** Right singular vectors as a nCols×k row-major matrix, so projecting is one sparse×dense product. */
  components: DenseMatrix;
  singularValues: Float64Array;
}

/** Options for randomized SVD. */
export interface SvdOptions {
  oversample?: number;
  powerIterations?: number;
  seed?: number;
}

/**
 * Top-k right singular vectors of A by subspace iteration on A·Aᵀ in note space (only n×l blocks are orthonormalised,
 * never the wider term-space ones), then an l×l eigenproblem.
 */
export function randomizedSvd(a: CsrMatrix, k: number, options: SvdOptions = {}): SvdModel {
  const { oversample = 10, powerIterations = 3, seed = 1 } = options;
  const l = Math.min(k + oversample, a.nCols, a.nRows);
  if (l <= 0 || k <= 0) return { components: denseZeros(a.nCols, 0), singularValues: new Float64Array(0) };
  const rng = createRng(seed);
  const omega = denseZeros(a.nCols, l);
  for (let i = 0; i < omega.data.length; i++) omega.data[i] = gaussian(rng);
  let q = orthonormalize(csrTimesDense(a, omega));
  for (let it = 0; it < powerIterations; it++) q = orthonormalize(csrTimesDense(a, csrTransposeTimesDense(a, q)));
  // B = Qᵀ A; hold Z = Bᵀ = Aᵀ Q (p×l). B Bᵀ = Zᵀ Z (l×l) gives the singular values and B's left vectors W.
  const z = csrTransposeTimesDense(a, q);
  const lz = z.cols; // may be < l when A has lower rank (orthonormalize drops null directions)
  const kk = Math.min(k, lz);
  const { vectors, values } = symmetricEigen(gram(z));
  const order = values.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  // Right singular vectors V = Z W Σ⁻¹, built as a (kk×l) coefficient block applied to each row of Z.
  const coef = new Float64Array(kk * lz);
  const sv = new Float64Array(kk);
  for (let c = 0; c < kk; c++) {
    const [lam, idx] = order[c]!;
    const s = Math.sqrt(Math.max(lam, 0));
    sv[c] = s;
    if (s < 1e-12) continue;
    for (let j = 0; j < lz; j++) coef[c * lz + j] = vectors[j * lz + idx]! / s;
  }
  const comps: DenseMatrix = { rows: a.nCols, cols: kk, data: matmulTransposed(z.data, a.nCols, lz, coef, kk) };
  fixSigns(comps);
  return { components: comps, singularValues: sv };
}

/** Projects TF-IDF rows onto the fitted LSA directions (n × k). */
export function projectSvd(model: SvdModel, a: CsrMatrix): DenseMatrix {
  return csrTimesDense(a, model.components);
}

/** Yᵀ Y for a tall dense Y: transposed once to column-major so each entry is a register-accumulated dot product. */
function gram(y: DenseMatrix): Float64Array {
  const { rows: n, cols: l, data: d } = y;
  const cols = new Float64Array(n * l);
  for (let i = 0; i < n; i++) for (let a = 0; a < l; a++) cols[a * n + i] = d[i * l + a]!;
  const g = new Float64Array(l * l);
  const q = new Float64Array(4);
  for (let a = 0; a < l; a++) {
    let b = a;
    for (; b + 3 < l; b += 4) {
      dot4(cols, a * n, cols, b * n, n, n, q);
      for (let c = 0; c < 4; c++) g[a * l + b + c] = g[(b + c) * l + a] = q[c]!;
    }
    for (; b < l; b++) g[a * l + b] = g[b * l + a] = dot(cols, a * n, cols, b * n, n);
  }
  return g;
}

function symmetricEigen(g: Float64Array): { vectors: Float64Array; values: number[] } {
  const l = Math.round(Math.sqrt(g.length));
  const m = new Matrix(l, l);
  for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) m.set(i, j, g[i * l + j]!);
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const v = e.eigenvectorMatrix;
  const vectors = new Float64Array(l * l);
  for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) vectors[i * l + j] = v.get(i, j);
  return { vectors, values: e.realEigenvalues };
}

/**
 * Orthonormal basis of Y's column space: Q = Y · W Λ^{-1/2} from the eigen-decomposition of Yᵀ Y (directions with tiny
 * eigenvalues dropped). One pass loses some accuracy for ill-conditioned Y, which subspace iteration tolerates.
 */
function orthonormalize(y: DenseMatrix): DenseMatrix {
  const { rows: n, cols: l, data: yd } = y;
  const { vectors, values } = symmetricEigen(gram(y));
  const maxVal = Math.max(...values, 0);
  const keep: number[] = [];
  values.forEach((v, i) => {
    if (v > maxVal * 1e-10) keep.push(i);
  });
  const m = keep.length;
  const t = new Float64Array(m * l); // (W Λ^{-1/2})ᵀ: one row per output column
  keep.forEach((idx, c) => {
    const s = 1 / Math.sqrt(values[idx]!);
    for (let j = 0; j < l; j++) t[c * l + j] = vectors[j * l + idx]! * s;
  });
  return { rows: n, cols: m, data: matmulTransposed(yd, n, l, t, m) };
}

/** Makes each component's largest-magnitude entry positive so results do not flip sign between runs or platforms. */
function fixSigns(c: DenseMatrix): void {
  for (let j = 0; j < c.cols; j++) {
    let best = 0;
    for (let r = 0; r < c.rows; r++) {
      const v = c.data[r * c.cols + j]!;
      if (Math.abs(v) > Math.abs(best)) best = v;
    }
    if (best < 0) for (let r = 0; r < c.rows; r++) c.data[r * c.cols + j] = -c.data[r * c.cols + j]!;
  }
}
