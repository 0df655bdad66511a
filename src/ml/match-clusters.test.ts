import { describe, expect, it } from 'vitest';
import { jaccard, matchClusters } from './match-clusters.js';

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `n${from + i}`);

describe('matchClusters', () => {
  const old = [
    { id: 'A', noteIds: ids(0, 10), name: 'Networking · Firewall', userNamed: false },
    { id: 'B', noteIds: ids(10, 20), name: 'My bread experiments', userNamed: true },
    { id: 'C', noteIds: ids(20, 30), name: 'Garden · Compost', userNamed: false },
  ];

  it('keeps every id and name when membership is unchanged (even if keys and auto names differ)', () => {
    const fresh = [
      { key: 'c1', noteIds: ids(20, 30), name: 'Compost · Tomato' },
      { key: 'c2', noteIds: ids(0, 10), name: 'Firewall · Ports' },
      { key: 'c3', noteIds: ids(10, 20), name: 'Bread · Yeast' },
    ];
    const r = matchClusters(old, fresh);
    expect(Object.fromEntries(r.mapping)).toEqual({ c1: 'C', c2: 'A', c3: 'B' });
    expect(r.clusters.map((c) => [c.id, c.name]).sort()).toEqual([
      ['A', 'Networking · Firewall'],
      ['B', 'My bread experiments'],
      ['C', 'Garden · Compost'],
    ]);
    expect(r.retired).toEqual([]);
    expect(r.clusters.every((c) => !c.isNew)).toBe(true);
  });

  it('keeps a user-given name when membership mostly stayed, and takes the new automatic name when it changed a lot', () => {
    const fresh = [
      { key: 'c1', noteIds: [...ids(10, 17), ...ids(40, 42)], name: 'Bread · Yeast' }, // J = 7/12 ≈ 0.58
      { key: 'c2', noteIds: [...ids(0, 6), ...ids(50, 53)], name: 'Firewall · Ports' }, // J = 6/13 ≈ 0.46 → new
      { key: 'c3', noteIds: [...ids(20, 28), ...ids(60, 62)], name: 'Compost · Tomato' }, // J = 8/12 ≈ 0.67 → id kept, auto name refreshed
    ];
    const r = matchClusters(old, fresh);
    const byKey = new Map(r.clusters.map((c) => [c.key, c]));
    expect(byKey.get('c1')).toMatchObject({ id: 'B', name: 'My bread experiments', userNamed: true, isNew: false });
    expect(byKey.get('c2')!.isNew).toBe(true);
    expect(byKey.get('c2')!.id).not.toMatch(/^[ABC]$/);
    expect(byKey.get('c3')).toMatchObject({ id: 'C', name: 'Compost · Tomato', isNew: false });
    expect(r.retired).toEqual(['A']);
  });

  it('keeps pinned notes in their pinned cluster, even if the new run moved them or dropped the cluster', () => {
    const fresh = [
      { key: 'c1', noteIds: [...ids(0, 10), 'n15'], name: 'Firewall · Ports' },
      { key: 'c2', noteIds: ids(20, 30), name: 'Compost · Tomato' },
    ];
    const pinned = new Map([
      ['n15', 'B'], // moved by the new run into A's successor; B itself vanished
      ['n3', 'C'], // the user moved a networking note into the garden cluster
      ['n99', 'C'], // was unclustered in the new run
    ]);
    const r = matchClusters(old, fresh, { pinned, unclustered: ['n99', 'n98'] });
    const byId = new Map(r.clusters.map((c) => [c.id, c]));
    expect(byId.get('A')!.noteIds).not.toContain('n15');
    expect(byId.get('A')!.noteIds).not.toContain('n3');
    expect(byId.get('C')!.noteIds).toEqual(expect.arrayContaining(['n3', 'n99']));
    expect(byId.get('B')).toMatchObject({ noteIds: ['n15'], name: 'My bread experiments', userNamed: true, key: null });
    expect(r.unclustered).toEqual(['n98']);
    expect(r.retired).toEqual([]);
  });

  it('gives new clusters deterministic, unique ids and keeps names unique', () => {
    const fresh = [
      { key: 'c1', noteIds: ids(100, 110), name: 'Networking · Firewall', terms: ['Networking', 'Firewall', 'VPN'] },
      { key: 'c2', noteIds: ids(0, 10), name: 'Firewall · Ports' },
    ];
    const a = matchClusters(old, fresh);
    const b = matchClusters(old, fresh);
    expect(a.clusters.map((c) => c.id)).toEqual(b.clusters.map((c) => c.id));
    const names = a.clusters.map((c) => c.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    expect(a.clusters.find((c) => c.key === 'c2')!.name).toBe('Networking · Firewall');
    expect(a.clusters.find((c) => c.key === 'c1')!.name).toBe('Networking · Firewall · VPN');
  });

  it('computes Jaccard overlap', () => {
    expect(jaccard(new Set(['a', 'b']), new Set(['b', 'c']))).toBeCloseTo(1 / 3, 12);
    expect(jaccard(new Set(), new Set())).toBe(1);
  });
});
