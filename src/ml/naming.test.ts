import { describe, expect, it } from 'vitest';
import { analyzeCorpus } from './corpus.js';
import { nameClusters } from './naming.js';

const topics = {
  net: ['The firewall blocks network ports.', 'Configure firewall rules for the network router.', 'A network router forwards packets; firewall logs.', 'Open network ports in the firewall.'],
  bake: ['Sourdough bread needs yeast and flour.', 'Bake the bread with rye flour.', 'Yeast makes bread rise; use strong flour.', 'Rye bread and sourdough starter.'],
  garden: ['Tomato plants need sun and compost.', 'Water the tomato plants; add compost.', 'Compost improves garden soil for tomato.', 'Garden soil, compost and seedlings.'],
};

describe('nameClusters', () => {
  const texts = Object.values(topics).flat();
  const corpus = analyzeCorpus(texts);
  const members = [0, 1, 2].map((c) => [0, 1, 2, 3].map((i) => c * 4 + i));
  const labels = nameClusters(corpus, members, texts);

  it('gives short names made of each cluster’s distinctive words', () => {
    expect(labels[0]!.name.toLowerCase()).toMatch(/firewall|network/);
    expect(labels[1]!.name.toLowerCase()).toMatch(/bread|flour|yeast/);
    expect(labels[2]!.name.toLowerCase()).toMatch(/compost|tomato|garden/);
    for (const l of labels) {
      const words = l.name.split(/\s+·\s+|\s+/);
      expect(words.length).toBeGreaterThanOrEqual(1);
      expect(words.length).toBeLessThanOrEqual(3);
      expect(l.name).not.toMatch(/^\W*\d+\W*$/);
      expect(l.name).not.toMatch(/\b(cluster|topic)\s*\d/i);
    }
  });
  it('never reuses a name and never names by stop words', () => {
    expect(new Set(labels.map((l) => l.name.toLowerCase())).size).toBe(3);
    for (const l of labels) expect(l.name.toLowerCase()).not.toMatch(/\b(the|and|for|with)\b/);
  });
  it('de-duplicates clusters that share their top words', () => {
    const twin = nameClusters(corpus, [members[0]!, members[0]!, members[1]!], texts);
    expect(new Set(twin.map((l) => l.name.toLowerCase())).size).toBe(3);
  });
  it('keeps the capitalisation users write (acronyms, product names)', () => {
    const t = ['Install PostgreSQL and pgAdmin.', 'PostgreSQL replication setup.', 'Tune PostgreSQL memory.', 'Bread and flour.', 'Bread recipe.', 'Flour types.'];
    const l = nameClusters(analyzeCorpus(t), [[0, 1, 2], [3, 4, 5]], t);
    expect(l[0]!.name).toContain('PostgreSQL');
  });
});
