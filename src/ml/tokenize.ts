/** Text analysis shared by the TF-IDF features and the cluster names: Markdown-aware tokenising, stop words, light stemming. */
import { STOP_WORDS } from './stopwords.js';

/** One kept token: its stem (the feature) and its lower-cased surface form (for readable names). */
export interface Token {
  stem: string;
  surface: string;
  /** True when this token directly follows the previous kept token (no stop word or punctuation between): bigrams only span these. */
  joined: boolean;
}

const URL_RE = /\b(?:https?:\/\/|www\.)\S+|\b[\w.-]+@[\w.-]+\.\w+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|edu|gov|de|uk|fr|info)\b\S*/giu;
const MD_RE = /!?\[([^\]]*)\]\([^)]*\)|```[a-z]*|<[^>\n]+>/giu;
// Words (C++ and C# keep their suffix). Dotted names (node.js) split in two but stay bigram-joined; keeping them whole measured worse.
const WORD_RE = /[\p{L}\p{N}]+(?:[+#]+)?/gu;
const BREAK_RE = /[.,;:!?()[\]{}"|/\\*=<>]|\n\s*\n/u;
const HAS_LETTER_RE = /\p{L}/u;

/** Removes plural endings conservatively (libraries→library, boxes→box, files→file; keeps status, analysis, class). */
export function lightStem(w: string): string {
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4 && !/[ae]ies$/.test(w)) return w.slice(0, -3) + 'y';
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (/(?:sh|ch|x|zz)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !/(?:ss|us|is|os|as|ys)$/.test(w)) return w.slice(0, -1);
  return w;
}

/** Streams the kept tokens of a Markdown note to `emit` without allocating token objects (the hot path for 100k notes). */
export function scanTokens(text: string, emit: (surface: string, joined: boolean) => void): void {
  const clean = text.replace(URL_RE, ' . ').replace(MD_RE, (_m, label: string | undefined) => (label ? ` ${label} ` : ' . '));
  let lastEnd = 0;
  let broken = true;
  for (const m of clean.matchAll(WORD_RE)) {
    const start = m.index!;
    if (start > lastEnd) {
      const gap = clean.slice(lastEnd, start);
      if (gap !== '.' && BREAK_RE.test(gap)) broken = true;
    }
    lastEnd = start + m[0].length;
    const surface = m[0].toLowerCase();
    if (surface.length < 2 || surface.length > 40 || STOP_WORDS.has(surface) || !HAS_LETTER_RE.test(surface)) {
      broken = true;
      continue;
    }
    emit(surface, !broken);
    broken = false;
  }
}

/** Splits a Markdown note into kept tokens: lower-cased, URLs/link targets/stop words/numbers dropped, stems attached. */
export function tokenize(text: string, stem = true): Token[] {
  const out: Token[] = [];
  scanTokens(text, (surface, joined) => out.push({ stem: stem ? lightStem(surface) : surface, surface, joined }));
  return out;
}
