import { describe, expect, it } from 'vitest';
import { assignNote, assignToNearest, nearestCluster } from './assign.js';
import { clusterNotes } from './cluster-notes.js';

describe('assignToNearest', () => {
  const clusters = [
    { key: 'a', centroid: Float32Array.from([1, 0, 0]) },
    { key: 'b', centroid: Float32Array.from([0, 1, 0]) },
  ];
  it('returns the most similar cluster above the threshold', () => {
    expect(assignToNearest([0.9, 0.1, 0.1], clusters, 0.5)).toBe('a');
    expect(assignToNearest([0.2, 0.95, 0], clusters, 0.5)).toBe('b');
  });
  it('returns null when nothing is close enough', () => {
    expect(assignToNearest([0.3, 0.3, 0.9], clusters, 0.5)).toBeNull();
    expect(nearestCluster([0.3, 0.3, 0.9], clusters, 0.5).similarity).toBeCloseTo(0.3, 6);
    expect(assignToNearest([0.3, 0.3, 0.9], clusters, 0.25)).toBe('a');
  });
  it('rejects features of the wrong length', () => {
    expect(() => assignToNearest([1, 0], clusters, 0)).toThrow();
  });
});

describe('assignNote', () => {
  const words = [
    ['firewall', 'network', 'ports', 'router', 'packets', 'iptables'],
    ['bread', 'yeast', 'flour', 'oven', 'sourdough', 'rye'],
    ['tomato', 'compost', 'garden', 'soil', 'seedlings', 'watering'],
  ];
  const notes = Array.from({ length: 90 }, (_, i) => {
    const w = words[i % 3]!;
    return { id: `n${i}`, text: `${w[i % 6]} ${w[(i + 1) % 6]} ${w[(i + 2) % 6]} ${w[(i + 4) % 6]} and ${w[(i * 7) % 6]}` };
  });
  const res = clusterNotes(notes, { layout: false, seed: 3 });

  it('puts a new note on a known topic into that topic’s cluster in well under 50 ms', () => {
    const target = res.clusters.find((c) => c.noteIds.includes('n1'))!;
    assignNote(res.model, res.clusters, res.threshold, 'warm-up'); // first call compiles code paths
    const t = performance.now();
    const got = assignNote(res.model, res.clusters, res.threshold, 'My sourdough bread: flour, yeast and a hot oven');
    const ms = performance.now() - t;
    expect(got.key).toBe(target.key);
    expect(ms).toBeLessThan(50);
  });
  it('leaves an off-topic note unclustered', () => {
    expect(assignNote(res.model, res.clusters, res.threshold, 'Quantum chromodynamics lecture notes').key).toBeNull();
  });
});
