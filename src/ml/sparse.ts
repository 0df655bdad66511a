/** Compressed sparse row matrices and the few products that TF-IDF and randomized SVD need. */

/** Row-major sparse matrix (one row per note, one column per term). */
export interface CsrMatrix {
  nRows: number;
  nCols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float32Array;
}

/** Dense row-major matrix backed by one Float64Array (faster and leaner than number[][] for 100k rows). */
export interface DenseMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** Allocates a zero dense matrix. */
export function denseZeros(rows: number, cols: number): DenseMatrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** A · M for sparse A (n×p) and dense M (p×l): projects notes onto term-space directions. */
export function csrTimesDense(a: CsrMatrix, m: DenseMatrix): DenseMatrix {
  if (a.nCols !== m.rows) throw new Error(`shape mismatch ${a.nCols} vs ${m.rows}`);
  const l = m.cols;
  const out = denseZeros(a.nRows, l);
  const { indptr, indices, data } = a;
  const md = m.data;
  const od = out.data;
  for (let i = 0; i < a.nRows; i++) {
    const o = i * l;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      const v = data[p]!;
      const r = indices[p]! * l;
      for (let j = 0; j < l; j++) od[o + j]! += v * md[r + j]!;
    }
  }
  return out;
}

/** Aᵀ · M for sparse A (n×p) and dense M (n×l): the transpose product without materialising Aᵀ. */
export function csrTransposeTimesDense(a: CsrMatrix, m: DenseMatrix): DenseMatrix {
  if (a.nRows !== m.rows) throw new Error(`shape mismatch ${a.nRows} vs ${m.rows}`);
  const l = m.cols;
  const out = denseZeros(a.nCols, l);
  const { indptr, indices, data } = a;
  const md = m.data;
  const od = out.data;
  for (let i = 0; i < a.nRows; i++) {
    const r = i * l;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      const v = data[p]!;
      const o = indices[p]! * l;
      for (let j = 0; j < l; j++) od[o + j]! += v * md[r + j]!;
    }
  }
  return out;
}

/** Takes the given rows of a CSR matrix (used to fit on a sample of notes). */
export function csrRows(a: CsrMatrix, rows: readonly number[]): CsrMatrix {
  let nnz = 0;
  for (const r of rows) nnz += a.indptr[r + 1]! - a.indptr[r]!;
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  let p = 0;
  rows.forEach((r, i) => {
    for (let q = a.indptr[r]!; q < a.indptr[r + 1]!; q++, p++) {
      indices[p] = a.indices[q]!;
      data[p] = a.data[q]!;
    }
    indptr[i + 1] = p;
  });
  return { nRows: rows.length, nCols: a.nCols, indptr, indices, data };
}
