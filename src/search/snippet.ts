import { stem } from '../embeddings/local/stem.ts';
import { tokenise, WORD_PATTERN } from '../embeddings/local/tokenise.ts';
import { STOP_WORDS } from '../ml/stopwords.ts';

/** How long a snippet is: up to two fragments of at most 35 words (as ts_headline's MaxWords). */
export const SNIPPET = { maxWords: 35, fragments: 2, lead: 4, delimiter: ' … ' } as const;

const WORD = new RegExp(WORD_PATTERN, 'gu');
const TAG = /<\/?[a-z][^<>]*>/gi;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/\s+/g, ' ');

/** The stems a query looks for: its words without stop words, excluded (`-word`) terms left out. */
function queryStems(query: string): Set<string> {
  const wanted = query.replace(/(^|\s)-\S+/g, ' ');
  return new Set(tokenise(wanted, false).filter((w) => !STOP_WORDS.has(w)).map(stem));
}

/**
 * A snippet of a note for a search result: plain text (markup in the note dropped), HTML-escaped,
 * the words that match the query's terms inside <mark>. The fragments are the windows holding the
 * most matches, in the note's order; a note without a match starts at its beginning.
 */
export function snippet(content: string, query: string): string {
  const text = content.replace(TAG, '');
  const words = [...text.matchAll(WORD)].map((m) => ({ start: m.index, end: m.index + m[0].length, word: m[0] }));
  if (words.length === 0) return escape(text.trim().slice(0, 200));
  const stems = queryStems(query);
  const hit = words.map((w) => {
    const lower = w.word.toLowerCase();
    return !STOP_WORDS.has(lower) && stems.has(stem(lower.replace(/['’].*$/, '')));
  });
  const windows: [number, number][] = [];
  const taken = new Uint8Array(words.length);
  for (let f = 0; f < SNIPPET.fragments; f++) {
    let best: [number, number] | null = null;
    let bestHits = 0;
    for (let i = 0; i < words.length; i++) {
      if (!hit[i] || taken[i]) continue;
      const from = Math.max(0, Math.min(i - SNIPPET.lead, words.length - SNIPPET.maxWords)); // short notes whole
      const to = Math.min(words.length, from + SNIPPET.maxWords);
      let hits = 0;
      let free = true;
      for (let j = from; j < to; j++) {
        if (taken[j]) free = false;
        if (hit[j]) hits++;
      }
      if (free && hits > bestHits) [best, bestHits] = [[from, to], hits];
    }
    if (!best) break;
    windows.push(best);
    taken.fill(1, best[0], best[1]);
  }
  if (windows.length === 0) windows.push([0, Math.min(words.length, SNIPPET.maxWords)]);
  windows.sort((a, b) => a[0] - b[0]);
  return windows
    .map(([from, to]) => {
      let out = '';
      for (let j = from; j < to; j++) {
        if (j > from) out += escape(text.slice(words[j - 1]!.end, words[j]!.start));
        out += hit[j] ? `<mark>${escape(words[j]!.word)}</mark>` : escape(words[j]!.word);
      }
      const tail = /^[^\s\p{L}\p{M}\p{N}<]*/u.exec(text.slice(words[to - 1]!.end))![0]; // closing punctuation
      return (out + escape(tail)).trim();
    })
    .join(SNIPPET.delimiter);
}
