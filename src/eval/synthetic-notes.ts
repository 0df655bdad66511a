import { readFileSync } from 'node:fs';
import { findDevSet } from '../embeddings/local/dev-set.ts';
import type { NoteInput } from '../ml/cluster-notes.ts';
import { createRng } from '../ml/random.ts';

/** The dev notes file, or a clear error (benchmarks and evals need it). */
function devNotesFile(): string {
  const file = findDevSet();
  if (!file) throw new Error('dev-notes.jsonl not found: set MINDSTORM_DEV_NOTES');
  return file;
}

/** n synthetic notes with labels: each mixes sentences from 2–3 dev rows of one label, ~5% of words dropped. */
/** Realistic notes at any scale for benchmarks, deterministic per seed. */
export function synthesize(n: number, seed: number): { notes: NoteInput[]; labels: string[] } {
  const rows = readFileSync(devNotesFile(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: number; label: string; text: string });
  if (n === rows.length) return { notes: rows.map((r) => ({ id: String(r.id), text: r.text })), labels: rows.map((r) => r.label) };
  const rng = createRng(seed);
  const byLabel = new Map<string, string[][]>();
  for (const r of rows) {
    const sentences = r.text.split(/(?<=[.!?])\s+|\n\s*\n/).filter((s) => s.trim().length > 0);
    if (!byLabel.has(r.label)) byLabel.set(r.label, []);
    byLabel.get(r.label)!.push(sentences);
  }
  const notes: NoteInput[] = [];
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const base = rows[Math.floor(rng() * rows.length)]!;
    const pool = byLabel.get(base.label)!;
    const parts: string[] = [];
    const sources = 2 + Math.floor(rng() * 2);
    for (let s = 0; s < sources; s++) {
      const src = pool[Math.floor(rng() * pool.length)]!;
      const take = Math.max(1, Math.round(src.length * (s === 0 ? 0.6 : 0.3)));
      const start = Math.floor(rng() * Math.max(1, src.length - take + 1));
      parts.push(...src.slice(start, start + take));
    }
    const text = parts
      .join(' ')
      .split(' ')
      .filter(() => rng() > 0.05)
      .join(' ');
    notes.push({ id: `n${i}`, text });
    labels.push(base.label);
  }
  return { notes, labels };
}
