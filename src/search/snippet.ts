import { stem } from '../embeddings/local/stem.ts';
import { tokenise, WORD_PATTERN } from '../embeddings/local/tokenise.ts';
import { STOP_WORDS } from '../ml/stopwords.ts';

/** How long a snippet is: up to two fragments of at most 35 words (as ts_headline's MaxWords). */
export const SNIPPET = { maxWords: 35, fragments: 2, lead: 4, delimiter: ' … ' } as const;

const WORD = new RegExp(WORD_PATTERN, 'gu');
const TAG = /<\/?[a-z][^<>]*>/gi;
/** The closing punctuation after a fragment's last word (sticky: read from lastIndex). */
const TAIL = /[^\s\p{L}\p{M}\p{N}<]*/uy;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/\s+/g, ' ');

/** The stems a query looks for: its words without stop words, excluded (`-word`) terms left out. */
function queryStems(query: string): Set<string> {
  const wanted = query.replace(/(^|\s)-\S+/g, ' ');
  return new Set(tokenise(wanted, false).filter((w) => !STOP_WORDS.has(w)).map(stem));
}

/** Lower-case ASCII letter or digit of a character code, or -1 for any other character. */
function asciiLower(code: number): number {
  if (code >= 65 && code <= 90) return code | 32;
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) ? code : -1;
}

/**
 * Tells which words of a note match the query's stems. A stem keeps its word's first letter
 * (Porter2 changes endings only; stem() leaves other words whole), so a word starting with an ASCII
 * letter that no stem starts with is no match, decided without making its string; the rest are
 * decided once per distinct word.
 */
function matcher(stems: Set<string>): (text: string, start: number, end: number) => boolean {
  const firsts = new Set<number>();
  for (const s of stems) firsts.add(asciiLower(s.charCodeAt(0)));
  const known = new Map<string, boolean>();
  return (text, start, end) => {
    const first = asciiLower(text.charCodeAt(start));
    if (first >= 0 && !firsts.has(first)) return false;
    const word = text.slice(start, end);
    let hit = known.get(word);
    if (hit === undefined) {
      const lower = word.toLowerCase();
      hit = !STOP_WORDS.has(lower) && stems.has(stem(lower.replace(/['’].*$/, '')));
      if (known.size >= 10_000) known.clear();
      known.set(word, hit);
    }
    return hit;
  };
}

/** The matcher of the last query (a search makes the snippets of its results one after another). */
let last: { query: string; isHit: ReturnType<typeof matcher> } | undefined;
function matcherOf(query: string): ReturnType<typeof matcher> {
  if (last?.query !== query) last = { query, isHit: matcher(queryStems(query)) };
  return last.isHit;
}

/** Where a note's words start and end, and which match (reused from one snippet to the next: they run one at a time). */
let starts = new Int32Array(1024);
let ends = new Int32Array(1024);
let hits = new Uint8Array(1024);

/** A copy of a twice as long. */
function grown<A extends Int32Array | Uint8Array>(a: A): A {
  const b = new (a.constructor as new (n: number) => A)(2 * a.length);
  b.set(a);
  return b;
}

const ASCII = /^[\x00-\x7f]*$/;
/** An ASCII letter or digit (WORD_PATTERN's letters, marks and digits within ASCII). */
const isWordCode = (c: number) => asciiLower(c) >= 0;

/** Reads the words of text (WORD_PATTERN; ASCII text scanned by hand, no string made) into starts and ends; returns how many. */
function readWords(text: string): number {
  let n = 0;
  const add = (start: number, end: number) => {
    if (n === starts.length) [starts, ends, hits] = [grown(starts), grown(ends), grown(hits)];
    starts[n] = start;
    ends[n++] = end;
  };
  if (ASCII.test(text)) {
    for (let i = 0; i < text.length; ) {
      if (!isWordCode(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const start = i;
      while (i < text.length && isWordCode(text.charCodeAt(i))) i++;
      while (text.charCodeAt(i) === 39 && isWordCode(text.charCodeAt(i + 1))) { // inner apostrophes
        i++;
        while (i < text.length && isWordCode(text.charCodeAt(i))) i++;
      }
      add(start, i);
    }
    return n;
  }
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) add(m.index, m.index + m[0].length);
  return n;
}

/**
 * A snippet of a note for a search result: plain text (markup in the note dropped), HTML-escaped,
 * the words that match the query's terms inside <mark>. The fragments are the windows holding the
 * most matches, in the note's order; a note without a match starts at its beginning.
 */
export function snippet(content: string, query: string): string {
  const text = content.replace(TAG, '');
  const count = readWords(text);
  if (count === 0) return escape(text.trim().slice(0, 200));
  const isHit = matcherOf(query);
  for (let i = 0; i < count; i++) hits[i] = isHit(text, starts[i]!, ends[i]!) ? 1 : 0;
  const windows: [number, number][] = [];
  const taken = new Uint8Array(count);
  for (let f = 0; f < SNIPPET.fragments; f++) {
    let best: [number, number] | null = null;
    let bestHits = 0;
    for (let i = 0; i < count; i++) {
      if (!hits[i] || taken[i]) continue;
      const from = Math.max(0, Math.min(i - SNIPPET.lead, count - SNIPPET.maxWords)); // short notes whole
      const to = Math.min(count, from + SNIPPET.maxWords);
      let inside = 0;
      let free = true;
      for (let j = from; j < to; j++) {
        if (taken[j]) free = false;
        if (hits[j]) inside++;
      }
      if (free && inside > bestHits) [best, bestHits] = [[from, to], inside];
    }
    if (!best) break;
    windows.push(best);
    taken.fill(1, best[0], best[1]);
  }
  if (windows.length === 0) windows.push([0, Math.min(count, SNIPPET.maxWords)]);
  windows.sort((a, b) => a[0] - b[0]);
  return windows
    .map(([from, to]) => {
      let out = '';
      for (let j = from; j < to; j++) {
        if (j > from) out += escape(text.slice(ends[j - 1]!, starts[j]!));
        const word = escape(text.slice(starts[j]!, ends[j]!));
        out += hits[j] ? `<mark>${word}</mark>` : word;
      }
      TAIL.lastIndex = ends[to - 1]!;
      return (out + escape(TAIL.exec(text)![0])).trim();
    })
    .join(SNIPPET.delimiter);
}
