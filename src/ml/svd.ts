/** Truncated randomized SVD (Halko et al.) of a sparse TF-IDF matrix: the LSA reduction, own code because ml-matrix's SVD is dense-only. */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
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

/** Computes the top-k right singular vectors of A with a randomized range finder and power iterations. */
export function randomizedSvd(a: CsrMatrix, k: number, options: SvdOptions = {}): SvdModel {
  const { oversample = 10, powerIterations = 4, seed = 1 } = options;
  const l = Math.min(k + oversample, a.nCols, a.nRows);
  const kk = Math.min(k, l);
  const rng = createRng(seed);
  const omega = denseZeros(a.nCols, l);
  for (let i = 0; i < omega.data.length; i++) omega.data[i] = gaussian(rng);
  let q = orthonormalize(csrTimesDense(a, omega), powerIterations > 0 ? 1 : 2);
  for (let it = 0; it < powerIterations; it++) {
    // One pass suffices inside the power loop: only the spanned subspace matters there.
    const z = orthonormalize(csrTransposeTimesDense(a, q), 1);
    q = orthonormalize(csrTimesDense(a, z), it === powerIterations - 1 ? 2 : 1);
  }
  // B = Qᵀ A; we hold Z = Bᵀ = Aᵀ Q (p×l). Eigen-decompose B Bᵀ = Zᵀ Z (l×l) for singular values/left vectors.
  const z = csrTransposeTimesDense(a, q);
  const { vectors, values } = symmetricEigen(gram(z));
  const order = values.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  const comps = denseZeros(a.nCols, kk);
  const sv = new Float64Array(kk);
  for (let c = 0; c < kk; c++) {
    const [lam, idx] = order[c]!;
    const s = Math.sqrt(Math.max(lam, 0));
    sv[c] = s;
    if (s < 1e-12) continue;
    // v_c = Z w_c / s
    const w = new Float64Array(l);
    for (let j = 0; j < l; j++) w[j] = vectors[j * l + idx]! / s;
    const zd = z.data;
    const cd = comps.data;
    for (let r = 0; r < a.nCols; r++) {
      let acc = 0;
      const zr = r * l;
      for (let j = 0; j < l; j++) acc += zd[zr + j]! * w[j]!;
      cd[r * kk + c] = acc;
    }
  }
  fixSigns(comps);
  return { components: comps, singularValues: sv };
}

/** Projects TF-IDF rows onto the fitted LSA directions (n × k). */
export function projectSvd(model: SvdModel, a: CsrMatrix): DenseMatrix {
  return csrTimesDense(a, model.components);
}

/** Yᵀ Y for a tall dense Y (only the upper triangle is accumulated, then mirrored). */
function gram(y: DenseMatrix): Float64Array {
  const l = y.cols;
  const g = new Float64Array(l * l);
  const d = y.data;
  for (let i = 0; i < y.rows; i++) {
    const o = i * l;
    for (let a = 0; a < l; a++) {
      const va = d[o + a]!;
      if (va === 0) continue;
      const ga = a * l;
      for (let b = a; b < l; b++) g[ga + b]! += va * d[o + b]!;
    }
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) g[a * l + b] = g[b * l + a]!;
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

/** Orthonormal basis of Y's column space via the eigen-decomposition of its Gram matrix, applied twice for accuracy. */
function orthonormalize(y: DenseMatrix, passes = 2): DenseMatrix {
  let cur = y;
  for (let pass = 0; pass < passes; pass++) {
    const l = cur.cols;
    const { vectors, values } = symmetricEigen(gram(cur));
    const maxVal = Math.max(...values, 0);
    const keep: number[] = [];
    values.forEach((v, i) => {
      if (v > maxVal * 1e-12) keep.push(i);
    });
    const m = keep.length;
    const t = new Float64Array(l * m); // W Λ^{-1/2} restricted to kept columns
    keep.forEach((idx, c) => {
      const s = 1 / Math.sqrt(values[idx]!);
      for (let j = 0; j < l; j++) t[j * m + c] = vectors[j * l + idx]! * s;
    });
    const out = denseZeros(cur.rows, m);
    const od = out.data;
    const cd = cur.data;
    for (let i = 0; i < cur.rows; i++) {
      const yo = i * l;
      const oo = i * m;
      for (let j = 0; j < l; j++) {
        const v = cd[yo + j]!;
        if (v === 0) continue;
        const to = j * m;
        for (let c = 0; c < m; c++) od[oo + c]! += v * t[to + c]!;
      }
    }
    cur = out;
  }
  return cur;
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
