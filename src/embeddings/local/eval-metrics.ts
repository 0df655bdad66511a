/** Retrieval and clustering metrics shared by the quality test and scripts/eval-search-local.ts. */

/** Dot product (= cosine for unit vectors). */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Known-item search: query i's target is document i. Returns recall@k and MRR@k; ties count
 * against the target (a document scoring equal to it ranks ahead).
 */
export function knownItemScores(queries: Float32Array[], docs: Float32Array[], k = 10): { recall: number; mrr: number } {
  let hits = 0;
  let rr = 0;
  queries.forEach((q, i) => {
    const target = dot(q, docs[i]);
    let ahead = 0;
    for (let j = 0; j < docs.length && ahead < k; j++) if (j !== i && dot(q, docs[j]) >= target) ahead++;
    if (ahead < k) {
      hits++;
      rr += 1 / (ahead + 1);
    }
  });
  return { recall: hits / queries.length, mrr: rr / queries.length };
}

/** Normalised mutual information (arithmetic-mean normalisation, as scikit-learn's default). */
export function nmi(a: ArrayLike<number | string>, b: ArrayLike<number | string>): number {
  const n = a.length;
  const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const ka = Array.from(a, String);
  const kb = Array.from(b, String);
  const ca = count(ka);
  const cb = count(kb);
  const cab = count(ka.map((x, i) => `${x}\u0000${kb[i]}`));
  let mi = 0;
  for (const [key, c] of cab) {
    const [x, y] = key.split('\u0000');
    mi += (c / n) * Math.log((c * n) / (ca.get(x)! * cb.get(y)!));
  }
  const entropy = (m: Map<string, number>) => [...m.values()].reduce((h, c) => h - (c / n) * Math.log(c / n), 0);
  const denom = (entropy(ca) + entropy(cb)) / 2;
  return denom === 0 ? 1 : mi / denom;
}
