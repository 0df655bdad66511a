import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { NoteInput } from './cluster-notes.js';
import { clusterNotes } from './cluster-notes.js';
import { matchClusters } from './match-clusters.js';
import { nmi } from './metrics.js';

/** The dev notes live in shared/ beside the repository (developer machines and CI); MINDSTORM_DEV_NOTES overrides. */
function devNotes(): { id: number; label: string; text: string }[] {
  const path = process.env.MINDSTORM_DEV_NOTES ?? fileURLToPath(new URL('../../../shared/data/dev-notes.jsonl', import.meta.url));
  if (!existsSync(path)) throw new Error(`dev notes not found at ${path} (set MINDSTORM_DEV_NOTES)`);
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: number; label: string; text: string });
}

// A fixed sample: the first 600 rows (all 12 labels occur).
const rows = devNotes().slice(0, 600);
const notes: NoteInput[] = rows.map((r) => ({ id: String(r.id), text: r.text }));
const first = clusterNotes(notes, { seed: 1 });

describe('clusterNotes on 600 dev notes', () => {
  it('meets the quality floor (NMI ≥ 0.33 with unclustered notes as one noise cluster; measured 0.362)', () => {
    const byId = new Map<string, string>();
    for (const c of first.clusters) for (const id of c.noteIds) byId.set(id, c.key);
    const score = nmi(rows.map((r) => r.label), notes.map((n) => byId.get(n.id) ?? 'noise'));
    expect(score).toBeGreaterThanOrEqual(0.33);
    expect(first.clusters.length).toBeGreaterThanOrEqual(5);
    expect(first.clusters.length).toBeLessThanOrEqual(30);
    expect(first.unclustered.length / notes.length).toBeLessThan(0.1);
  });

  it('partitions the notes: every note is in exactly one cluster or unclustered', () => {
    const all = [...first.clusters.flatMap((c) => c.noteIds), ...first.unclustered];
    expect(all.length).toBe(notes.length);
    expect(new Set(all).size).toBe(notes.length);
  });

  it('gives every cluster a unique, non-numeric name of 1–3 words plus unit centroids', () => {
    const names = first.clusters.map((c) => c.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    for (const c of first.clusters) {
      expect(c.name).toMatch(/\p{L}/u);
      expect(c.name.split(/\s+·\s+|\s+/).length).toBeLessThanOrEqual(3);
      expect(Math.hypot(...c.centroid)).toBeCloseTo(1, 4);
    }
  });

  it('returns map coordinates within [-1, 1] for every note', () => {
    expect(first.coords.size).toBe(notes.length);
    for (const [x, y] of first.coords.values()) {
      expect(Math.abs(x)).toBeLessThanOrEqual(1);
      expect(Math.abs(y)).toBeLessThanOrEqual(1);
    }
    const xs = [...first.coords.values()].map((p) => p[0]);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(0.5); // spread out, not collapsed
  });

  it('is deterministic for a seed', () => {
    const again = clusterNotes(notes, { seed: 1 });
    expect(again.clusters.map((c) => [c.key, c.name, c.noteIds])).toEqual(first.clusters.map((c) => [c.key, c.name, c.noteIds]));
    expect(again.unclustered).toEqual(first.unclustered);
    expect([...again.coords]).toEqual([...first.coords]);
  });

  it('re-clustering unchanged notes keeps every old id and name through matchClusters', () => {
    const stored = first.clusters.map((c, i) => ({ id: `cl-${i}`, noteIds: c.noteIds, name: i === 0 ? 'My own name' : c.name, userNamed: i === 0 }));
    const again = clusterNotes(notes, { seed: 1, layout: false });
    const r = matchClusters(stored, again.clusters, { unclustered: again.unclustered });
    expect(r.clusters.map((c) => [c.id, c.name]).sort()).toEqual(stored.map((c) => [c.id, c.name]).sort());
    expect(r.retired).toEqual([]);
  });
});

describe('clusterNotes edge cases', () => {
  it('leaves a note with nothing in common with the others unclustered', () => {
    const extra = [...notes.slice(0, 200), { id: 'odd', text: 'zyxqua vorpal frabjous gyre wabe' }];
    const r = clusterNotes(extra, { seed: 2, layout: false });
    expect(r.unclustered).toContain('odd');
  });

  it('handles tiny inputs', () => {
    expect(clusterNotes([], {}).clusters).toEqual([]);
    const few = clusterNotes(notes.slice(0, 3), {});
    expect(few.clusters.flatMap((c) => c.noteIds).length + few.unclustered.length).toBe(3);
  });

  it('uses embeddings when given and stays deterministic', () => {
    const sub = notes.slice(0, 300).map((n, i) => {
      const v = new Float32Array(16);
      v[rows[i]!.label.length % 16] = 1; // a toy embedding that carries label information
      return { ...n, embedding: v };
    });
    const a = clusterNotes(sub, { seed: 4, layout: false });
    const b = clusterNotes(sub, { seed: 4, layout: false });
    expect(a.model.embeddingDim).toBe(16);
    expect(a.clusters.map((c) => c.noteIds)).toEqual(b.clusters.map((c) => c.noteIds));
  });
});
