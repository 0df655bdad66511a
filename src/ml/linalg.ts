/** Small dense vector helpers shared by the clustering steps. */

/** Dot product of a[ao..ao+len) and b[bo..bo+len), four accumulators so V8 keeps them in registers. */
export function dot(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < len; j += 4) {
    s0 += a[ao + j]! * b[bo + j]!;
    s1 += a[ao + j + 1]! * b[bo + j + 1]!;
    s2 += a[ao + j + 2]! * b[bo + j + 2]!;
    s3 += a[ao + j + 3]! * b[bo + j + 3]!;
  }
  for (; j < len; j++) s0 += a[ao + j]! * b[bo + j]!;
  return s0 + s1 + s2 + s3;
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function normalizeInPlace(v: Float64Array | Float32Array | number[]): typeof v {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
  }
  return v;
}

/**
 * Four dot products at once: out[c] = a[ao..ao+len) · b[bo + c·stride ..) for c = 0..3. Sharing the loads of `a` makes this
 * ~1.6× faster than four dot() calls (measured: 3000×3000×200 all-pairs 0.57 s vs 0.90 s).
 */
export function dot4(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, stride: number, len: number, out: Float64Array): void {
  const b1 = bo + stride;
  const b2 = b1 + stride;
  const b3 = b2 + stride;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let t = 0; t < len; t++) {
    const v = a[ao + t]!;
    s0 += v * b[bo + t]!;
    s1 += v * b[b1 + t]!;
    s2 += v * b[b2 + t]!;
    s3 += v * b[b3 + t]!;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
}

/** Row-major product out[i, c] = Σ_j a[i, j] · bt[c, j] (b given transposed, m rows of length l), two rows × four at a time. */
export function matmulTransposed(a: Float64Array, n: number, l: number, bt: Float64Array, m: number): Float64Array {
  const out = new Float64Array(n * m);
  const q = new Float64Array(8);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const ao = i * l;
    const oo = i * m;
    let c = 0;
    for (; c + 3 < m; c += 4) {
      dot2x4(a, ao, l, bt, c * l, l, l, q);
      for (let t = 0; t < 4; t++) {
        out[oo + c + t] = q[t]!;
        out[oo + m + c + t] = q[4 + t]!;
      }
    }
    for (; c < m; c++) {
      out[oo + c] = dot(a, ao, bt, c * l, l);
      out[oo + m + c] = dot(a, ao + l, bt, c * l, l);
    }
  }
  for (; i < n; i++) for (let c = 0; c < m; c++) out[i * m + c] = dot(a, i * l, bt, c * l, l);
  return out;
}

/**
 * Eight dot products at once: out[4r + c] = a[ao + r·sa ..) · b[bo + c·sb ..) for r = 0..1, c = 0..3 (len terms each).
 * Two rows against four share every load: ~1.3× faster than dot4 over all pairs of 4000×200 rows.
 */
export function dot2x4(a: ArrayLike<number>, ao: number, sa: number, b: ArrayLike<number>, bo: number, sb: number, len: number, out: Float64Array): void {
  const a1 = ao + sa;
  const b1 = bo + sb;
  const b2 = b1 + sb;
  const b3 = b2 + sb;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  for (let t = 0; t < len; t++) {
    const u = a[ao + t]!;
    const v = a[a1 + t]!;
    const p0 = b[bo + t]!;
    const p1 = b[b1 + t]!;
    const p2 = b[b2 + t]!;
    const p3 = b[b3 + t]!;
    s00 += u * p0;
    s01 += u * p1;
    s02 += u * p2;
    s03 += u * p3;
    s10 += v * p0;
    s11 += v * p1;
    s12 += v * p2;
    s13 += v * p3;
  }
  out[0] = s00;
  out[1] = s01;
  out[2] = s02;
  out[3] = s03;
  out[4] = s10;
  out[5] = s11;
  out[6] = s12;
  out[7] = s13;
}
