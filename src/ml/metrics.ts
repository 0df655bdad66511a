/** External clustering quality measures (NMI, ARI) against reference labels, used by the eval script and quality tests. */

function contingency(a: readonly (string | number)[], b: readonly (string | number)[]) {
  if (a.length !== b.length) throw new Error('label arrays differ in length');
  const ai = new Map<string | number, number>();
  const bi = new Map<string | number, number>();
  const cells = new Map<string, number>();
  for (let i = 0; i < a.length; i++) {
    if (!ai.has(a[i]!)) ai.set(a[i]!, ai.size);
    if (!bi.has(b[i]!)) bi.set(b[i]!, bi.size);
    const key = `${ai.get(a[i]!)},${bi.get(b[i]!)}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  const rowSums = new Array<number>(ai.size).fill(0);
  const colSums = new Array<number>(bi.size).fill(0);
  const nij: { r: number; c: number; n: number }[] = [];
  for (const [key, n] of cells) {
    const [r, c] = key.split(',').map(Number) as [number, number];
    rowSums[r]! += n;
    colSums[c]! += n;
    nij.push({ r, c, n });
  }
  return { n: a.length, rowSums, colSums, nij };
}

function entropy(counts: readonly number[], n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

/** Normalised mutual information with arithmetic-mean normalisation (scikit-learn's default): 1 = identical partitions. */
export function nmi(truth: readonly (string | number)[], pred: readonly (string | number)[]): number {
  const { n, rowSums, colSums, nij } = contingency(truth, pred);
  if (n === 0) return 1;
  const hu = entropy(rowSums, n);
  const hv = entropy(colSums, n);
  if (hu === 0 && hv === 0) return 1;
  let mi = 0;
  for (const { r, c, n: x } of nij) mi += (x / n) * Math.log((n * x) / (rowSums[r]! * colSums[c]!));
  const denom = (hu + hv) / 2;
  return denom === 0 ? 0 : Math.max(0, Math.min(1, mi / denom));
}

const comb2 = (x: number) => (x * (x - 1)) / 2;

/** Adjusted Rand index (Hubert & Arabie): 0 for chance agreement, 1 for identical partitions. */
export function ari(truth: readonly (string | number)[], pred: readonly (string | number)[]): number {
  const { n, rowSums, colSums, nij } = contingency(truth, pred);
  const sumComb = nij.reduce((s, x) => s + comb2(x.n), 0);
  const sumA = rowSums.reduce((s, x) => s + comb2(x), 0);
  const sumB = colSums.reduce((s, x) => s + comb2(x), 0);
  const total = comb2(n);
  if (total === 0) return 1;
  const expected = (sumA * sumB) / total;
  const max = (sumA + sumB) / 2;
  if (max === expected) return 1;
  return (sumComb - expected) / (max - expected);
}
