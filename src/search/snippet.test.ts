import { describe, expect, it } from 'vitest';
import { SNIPPET, snippet } from './snippet.ts';

describe('search snippets', () => {
  it('marks the words that match the query terms, stemmed, and escapes the rest', () => {
    expect(snippet('Baking bread: the loaves need <time> & patience.', 'bake loaves')).toBe(
      '<mark>Baking</mark> bread: the <mark>loaves</mark> need &amp; patience.',
    );
    expect(snippet('Tom & Jerry "quoted" it\'s', 'jerry')).toBe('Tom &amp; <mark>Jerry</mark> &quot;quoted&quot; it&#39;s');
  });

  it('shows a short note whole, from its first word', () => {
    const text = 'Sourdough bread needs a long, cold fermentation and patience.';
    expect(snippet(text, 'fermentation')).toBe('Sourdough bread needs a long, cold <mark>fermentation</mark> and patience.');
  });

  it('drops markup in the note rather than passing it through', () => {
    const s = snippet('The <b>HNSW</b> index <script>alert(1)</script> trades recall.', 'hnsw');
    expect(s).toBe('The <mark>HNSW</mark> index alert(1) trades recall.');
    expect(s).not.toMatch(/<(?!\/?mark>)/);
  });

  it('shows the windows with the most matches, in the note order, joined by an ellipsis', () => {
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');
    const text = `${filler(50)} sourdough starter ${filler(50)} sourdough loaves sourdough ${filler(50)}`;
    const s = snippet(text, 'sourdough');
    const parts = s.split(SNIPPET.delimiter);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toContain('<mark>sourdough</mark> starter');
    expect(parts[1]).toContain('<mark>sourdough</mark> loaves <mark>sourdough</mark>');
    for (const p of parts) expect(p.split(' ').length).toBeLessThanOrEqual(SNIPPET.maxWords);
  });

  it('starts at the beginning when nothing matches, and never marks stop words or excluded terms', () => {
    const text = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    expect(snippet(text, 'zebra').split(' ')).toHaveLength(SNIPPET.maxWords);
    expect(snippet(text, 'zebra').startsWith('word0 word1')).toBe(true);
    expect(snippet('the cat and the hat', 'the cat')).toBe('the <mark>cat</mark> and the hat');
    expect(snippet('postgres without mysql', 'postgres -mysql')).toBe('<mark>postgres</mark> without mysql');
    expect(snippet('', 'anything')).toBe('');
  });

  it('finds words in any case, with inner apostrophes, in ASCII and in other scripts alike', () => {
    expect(snippet('Bake bread, then BAKE more', 'baking')).toBe('<mark>Bake</mark> bread, then <mark>BAKE</mark> more');
    expect(snippet("the team's plan, teams' plans", 'team plans')).toBe(
      'the <mark>team&#39;s</mark> <mark>plan</mark>, <mark>teams</mark>&#39; <mark>plans</mark>',
    );
    expect(snippet("Ärger über die Straße; don't panic", 'ärger straße')).toBe('<mark>Ärger</mark> über die <mark>Straße</mark>; don&#39;t panic');
  });

  it('gives the same snippet for a query whatever was asked before', () => {
    const text = 'Sourdough starter notes and rye loaves';
    const first = snippet(text, 'rye');
    snippet(text, 'sourdough');
    expect(snippet(text, 'rye')).toBe(first);
    expect(first).toBe('Sourdough starter notes and <mark>rye</mark> loaves');
  });
});
