import { describe, expect, it } from 'vitest';
import { findDevSet, readDevRows } from '../embeddings/local/dev-set.ts';
import { nearestCluster } from '../ml/assign.js';
import { clusterNotes } from '../ml/cluster-notes.js';
import { noteFeatures } from '../ml/features.js';
import { decodeModel, decodeVector, encodeModel, encodeVector, parseVector } from './clusters.codec.ts';
import { planRun } from './clusters.plan.ts';

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return d / Math.sqrt(na * nb);
};

describe('stored cluster models', async () => {
  const file = findDevSet();
  if (!file) throw new Error('dev-notes.jsonl not found: set MINDSTORM_DEV_NOTES');
  const rows = await readDevRows(file, 400);
  const notes = rows.map((r, i) => ({ id: `n${i}`, text: r.text }));
  const result = clusterNotes(notes, { layout: false });

  it('round-trips a model compactly: the same features (cosine ≥ 0.999) and the same nearest cluster for every note', () => {
    const bytes = encodeModel(result.model);
    const float32 = result.model.tfidf.terms.length * result.model.svd.components.cols * 4;
    expect(bytes.length).toBeLessThan(float32 / 3);
    const back = decodeModel(new Uint8Array(bytes)); // as the database driver hands it over
    expect(back.dim).toBe(result.model.dim);
    const cents = result.clusters.map((c) => ({ key: c.key, centroid: c.centroid }));
    for (const n of notes) {
      const a = noteFeatures(result.model, n.text);
      const b = noteFeatures(back, n.text);
      if (a.some((x) => x !== 0)) expect(cosine(a, b)).toBeGreaterThan(0.999);
      expect(nearestCluster(b, cents, result.threshold).key).toBe(nearestCluster(a, cents, result.threshold).key);
    }
    expect(() => decodeModel(Buffer.from('not a model at all'))).toThrow(/not a stored cluster model/);
  });

  it('round-trips centroids as Float32 and reads pgvector text', () => {
    const v = result.clusters[0]!.centroid;
    expect(decodeVector(encodeVector(v))).toEqual(v);
    expect(Array.from(parseVector('[1,-2.5,3e-3]'))).toEqual([1, -2.5, Math.fround(3e-3)]);
    expect(Array.from(parseVector('[1,2,3,0,0]', 3))).toEqual([1, 2, 3]);
  });

  it('plans a run: stored ids kept, pinned notes stay, notes pinned out of every cluster stay out', () => {
    const first = planRun(result, notes.map((n) => ({ ...n, embedding: null })), [], new Map());
    const stored = first.match.clusters.map((c) => ({ id: c.id, name: c.name, userNamed: false, noteIds: c.noteIds }));
    const [a, b] = stored;
    const moved = a!.noteIds[0]!;
    const freed = a!.noteIds[1]!;
    const plan = planRun(result, notes.map((n) => ({ ...n, embedding: null })), stored, new Map([[moved, b!.id], [freed, null]]));
    expect(plan.match.clusters.map((c) => c.id).sort()).toEqual(stored.map((c) => c.id).sort());
    const where = new Map(plan.placements.map((p) => [p.id, p.clusterId]));
    expect(where.get(moved)).toBe(b!.id);
    expect(where.get(freed)).toBeNull();
    expect(plan.writes.every((w) => w.centroid && w.centroid.length === 4 * result.model.dim)).toBe(true);
  });
});
