import { stem } from '../embeddings/local/stem.ts';
import { tokenise } from '../embeddings/local/tokenise.ts';
import { STOP_WORDS } from '../ml/stopwords.ts';

/** A candidate of hybrid search: its text and cosine similarity to the query. */
export interface Candidate {
  id: string;
  text: string;
  /** When the note's text was last written (updated_at, ms): a note read before is read again when it differs. */
  version: number;
  cosine: number;
}

/** Weights of the lexical signals added to the cosine (measured on dev-notes: docs/search.md). */
export const RERANK_WEIGHTS = { words: 0.06, trigrams: 0.02 };

/**
 * The words seen so far, interned: each gets a number, its stem and its character trigrams once.
 * Notes' texts are kept as arrays of word numbers, so ranking a note again touches no strings.
 * Both are bounded: the notes as an LRU, and the two are forgotten together when the vocabulary has
 * grown past its limit (checked before a ranking, so the numbers never change during one).
 */
const VOCAB_LIMIT = 200_000;
const NOTES_LIMIT = 20_000;
const wordIds = new Map<string, number>();
const stemIds = new Map<string, number>();
const gramIds = new Map<string, number>();
/** By word number: the number of its stem, and the numbers of its trigrams. */
const stemOfWord: number[] = [];
const gramsOfWord: Int32Array[] = [];
/**
 * Recently ranked notes: the stem numbers of their words (stop words out) and the trigram numbers of
 * those words, each as one flat array, with the version and the length of the text they came from
 * (an edited note is read again). Bounded LRU.
 */
interface NoteTerms {
  version: number;
  length: number;
  stems: Int32Array;
  grams: Int32Array;
}
const notesWords = new Map<string, NoteTerms>();

function wordGrams(w: string): string[] {
  const x = `^${w}$`;
  if (x.length <= 3) return [x];
  const out: string[] = [];
  for (let i = 0; i + 3 <= x.length; i++) out.push(x.slice(i, i + 3));
  return out;
}

/** Forgets every word and note once the vocabulary is past its limit (only between two rankings). */
function boundVocabulary(): void {
  if (wordIds.size < VOCAB_LIMIT) return;
  for (const m of [wordIds, stemIds, gramIds, notesWords]) m.clear();
  stemOfWord.length = 0;
  gramsOfWord.length = 0;
}

function numberOf(map: Map<string, number>, key: string): number {
  let n = map.get(key);
  if (n === undefined) map.set(key, (n = map.size));
  return n;
}

function intern(w: string): number {
  let id = wordIds.get(w);
  if (id === undefined) {
    id = stemOfWord.length;
    wordIds.set(w, id);
    stemOfWord.push(numberOf(stemIds, stem(w)));
    gramsOfWord.push(Int32Array.from(wordGrams(w), (g) => numberOf(gramIds, g)));
  }
  return id;
}

/** A text's words without stop words, as word numbers. */
function wordsOfText(text: string): Int32Array {
  const out: number[] = [];
  for (const w of tokenise(text, true)) if (!STOP_WORDS.has(w)) out.push(intern(w));
  return Int32Array.from(out);
}

function noteWords({ id, text, version }: Omit<Candidate, 'cosine'>): NoteTerms {
  const hit = notesWords.get(id);
  if (hit && hit.version === version && hit.length === text.length) {
    notesWords.delete(id);
    notesWords.set(id, hit); // most recently used last
    return hit;
  }
  const words = wordsOfText(text);
  let gramLength = 0;
  for (const w of words) gramLength += gramsOfWord[w]!.length;
  const stems = new Int32Array(words.length);
  const grams = new Int32Array(gramLength);
  for (let k = 0, g = 0; k < words.length; k++) {
    const own = gramsOfWord[words[k]!]!;
    stems[k] = stemOfWord[words[k]!]!;
    grams.set(own, g);
    g += own.length;
  }
  const entry = { version, length: text.length, stems, grams };
  notesWords.set(id, entry);
  if (notesWords.size > NOTES_LIMIT) notesWords.delete(notesWords.keys().next().value!);
  return entry;
}

/**
 * Per stem (and per trigram) number, its position among the query's terms or -1: kept from one
 * ranking to the next, all -1 between rankings (each sets its query's terms and resets them after).
 */
const stemSlots = { array: new Int32Array(0) };
const gramSlots = { array: new Int32Array(0) };

/** The slot array of holder, grown (with -1) to at least size entries. */
function slots(holder: { array: Int32Array }, size: number): Int32Array {
  if (holder.array.length < size) holder.array = new Int32Array(Math.max(size, 2 * holder.array.length)).fill(-1);
  return holder.array;
}

/**
 * Reads candidates' words ahead of the ranking (into the same bounded cache): hybrid search does it
 * for whichever pool arrives first while it waits for the other, so the ranking finds them read.
 */
export function readAhead(candidates: Omit<Candidate, 'cosine'>[]): void {
  boundVocabulary();
  for (const c of candidates) noteWords(c);
}

/**
 * BM25 from query-term counts (`counts[j * terms + i]`: term i in document j), with document
 * frequencies from the documents themselves. Typed arrays and plain loops throughout: arrays whose
 * element kind varied (whole or fractional numbers) made V8 throw away the ranking's optimised code
 * again and again (`node --trace-deopt`).
 */
function bm25(counts: Float64Array, terms: number, lengths: Float64Array, k1 = 1.2, b = 0.75): Float64Array {
  const n = lengths.length;
  const scores = new Float64Array(n);
  if (n === 0) return scores;
  let total = 0;
  for (let j = 0; j < n; j++) total += lengths[j]!;
  const avg = total / n || 1;
  const idf = new Float64Array(terms);
  for (let i = 0; i < terms; i++) {
    let df = 0;
    for (let j = 0; j < n; j++) if (counts[j * terms + i]! > 0) df++;
    idf[i] = Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }
  for (let j = 0; j < n; j++) {
    const norm = k1 * (1 - b + (b * lengths[j]!) / avg);
    let s = 0;
    for (let i = 0; i < terms; i++) {
      const c = counts[j * terms + i]!;
      if (c > 0) s += (idf[i]! * c * (k1 + 1)) / (c + norm);
    }
    scores[j] = s;
  }
  return scores;
}

/**
 * BM25 of the query against each document, with document frequencies taken from the pool itself:
 * the candidates of one search stand in for the user's collection, so no statistics are kept.
 */
export function poolBm25(docs: string[][], query: string[], k1 = 1.2, b = 0.75): number[] {
  const index = new Map([...new Set(query)].map((t, i) => [t, i]));
  const counts = new Float64Array(docs.length * index.size);
  docs.forEach((d, j) => {
    for (const t of d) {
      const i = index.get(t);
      if (i !== undefined) counts[j * index.size + i]!++;
    }
  });
  return Array.from(bm25(counts, index.size, Float64Array.from(docs, (d) => d.length), k1, b));
}

/**
 * Orders the pooled candidates of hybrid search: cosine similarity (meaning) plus BM25 over word
 * stems (exact terms, weighted by rarity) plus BM25 over character trigrams (compounds, names).
 */
export function rerank(query: string, candidates: Candidate[], weights = RERANK_WEIGHTS): { id: string; score: number }[] {
  boundVocabulary(); // word numbers stay valid for the whole ranking
  const queryWords = wordsOfText(query);
  // plain loops over the candidates: callers' arrays come in more than one element kind, and an
  // inlined Array.prototype.map checks for one (V8 threw the optimised ranking away at each change)
  const n = candidates.length;
  const docs: NoteTerms[] = [];
  for (let j = 0; j < n; j++) docs.push(noteWords(candidates[j]!));
  // the query's distinct stems and trigrams, each with its position among them (by number)
  const stemSlot = slots(stemSlots, stemIds.size);
  const gramSlot = slots(gramSlots, gramIds.size);
  let byWords: Float64Array;
  let byTrigrams: Float64Array;
  try {
    let stemTerms = 0;
    let gramTerms = 0;
    for (const w of queryWords) {
      if (stemSlot[stemOfWord[w]!] === -1) stemSlot[stemOfWord[w]!] = stemTerms++;
      for (const g of gramsOfWord[w]!) if (gramSlot[g] === -1) gramSlot[g] = gramTerms++;
    }
    const stemCounts = new Float64Array(n * stemTerms);
    const gramCounts = new Float64Array(n * gramTerms);
    const stemLengths = new Float64Array(n);
    const gramLengths = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const { stems, grams } = docs[j]!;
      for (let k = 0; k < stems.length; k++) {
        const si = stemSlot[stems[k]!]!;
        if (si >= 0) stemCounts[j * stemTerms + si]!++;
      }
      for (let k = 0; k < grams.length; k++) {
        const gi = gramSlot[grams[k]!]!;
        if (gi >= 0) gramCounts[j * gramTerms + gi]!++;
      }
      stemLengths[j] = stems.length;
      gramLengths[j] = grams.length;
    }
    byWords = bm25(stemCounts, stemTerms, stemLengths);
    byTrigrams = bm25(gramCounts, gramTerms, gramLengths);
  } finally {
    for (const w of queryWords) {
      stemSlot[stemOfWord[w]!] = -1;
      for (const g of gramsOfWord[w]!) gramSlot[g] = -1;
    }
  }
  const ranked: { id: string; score: number }[] = [];
  for (let j = 0; j < n; j++) {
    const c = candidates[j]!;
    ranked.push({ id: c.id, score: c.cosine + weights.words * byWords[j]! + weights.trigrams * byTrigrams[j]! });
  }
  return ranked.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}
