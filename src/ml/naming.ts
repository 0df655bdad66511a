/** Cluster names from class-based term weights: the words and bigrams that set each cluster apart from the user's other clusters. */
import type { Corpus } from './corpus.js';

/** Naming settings. */
export interface NamingOptions {
  /** Maximum number of words in a name (terms are joined with " · "). */
  maxWords?: number;
  /** A term must occur in at least this share of the cluster's notes (and in 2 notes) to name it. */
  minSupport?: number;
  /** How many ranked terms to keep per cluster (for display / debugging). */
  topTerms?: number;
}

/** A cluster's name and the ranked distinctive terms it was built from. */
export interface ClusterLabel {
  name: string;
  terms: string[];
}

/** Words that are fine features but poor names (generic verbs/adjectives of descriptions). */
const NAME_STOP = new Set(
  `based featured near drop achieve advantage support supports supported provide provides provided include includes included
contain contains containing package packages version versions various several set allow allows allowing make makes new easy
simple small way program programs tool tools useful different number feature features good high low non multiple
available able written write work works working need needs help user users run runs running current common etc
powerful independently fun modern combination`.split(/\s+/),
);

interface Term {
  key: number; // unigram: stem id; bigram: S + a*S + b
  score: number;
  words: number[];
}

/**
 * Names clusters with a distinctiveness score per term: p(t|c)·ln(p(t|c)/p(t)) on note frequencies (the term's
 * contribution to the KL divergence of the cluster from all clustered notes), over stems and adjacent-word bigrams.
 * Names are unique across clusters and never numeric. `members[c]` lists corpus doc indices of cluster c.
 */
export function nameClusters(
  corpus: Corpus,
  members: readonly (readonly number[])[],
  texts?: readonly string[],
  options: NamingOptions = {},
): ClusterLabel[] {
  const { maxWords = 3, minSupport = 0.05, topTerms = 8 } = options;
  const S = corpus.stems.length;
  const k = members.length;
  const dfAll = new Map<number, number>();
  const dfC: Map<number, number>[] = [];
  let total = 0;
  const seen = new Set<number>();
  for (let c = 0; c < k; c++) {
    const m = new Map<number, number>();
    for (const i of members[c]!) {
      const d = corpus.docs[i]!;
      seen.clear();
      for (let t = 0; t < d.ids.length; t++) {
        seen.add(d.ids[t]!);
        if (t > 0 && d.joined[t] && d.ids[t - 1] !== d.ids[t]) seen.add(S + d.ids[t - 1]! * S + d.ids[t]!);
      }
      for (const key of seen) {
        m.set(key, (m.get(key) ?? 0) + 1);
        dfAll.set(key, (dfAll.get(key) ?? 0) + 1);
      }
    }
    total += members[c]!.length;
    dfC.push(m);
  }
  const wordsOf = (key: number): number[] => (key < S ? [key] : [Math.floor((key - S) / S), (key - S) % S]);
  const ranked: Term[][] = dfC.map((m, c) => {
    const n = Math.max(1, members[c]!.length);
    const minCount = Math.max(2, Math.ceil(minSupport * n));
    const out: Term[] = [];
    for (const [key, cnt] of m) {
      if (cnt < minCount) continue;
      const p = cnt / n;
      const q = dfAll.get(key)! / Math.max(1, total);
      if (p <= q) continue;
      const words = wordsOf(key);
      if (words.some((w) => NAME_STOP.has(corpus.display[w]!) || NAME_STOP.has(corpus.stems[w]!) || /ly$/.test(corpus.stems[w]!))) continue;
      out.push({ key, score: p * Math.log(p / q), words });
    }
    out.sort((a, b) => b.score - a.score || a.key - b.key);
    return absorbIntoPhrases(out);
  });

  const caseMap = texts ? caseForms(corpus, members, ranked, texts) : new Map<number, string>();
  const show = (stem: number) => {
    const w = caseMap.get(stem) ?? corpus.display[stem]!;
    return w === w.toLowerCase() ? w.charAt(0).toUpperCase() + w.slice(1) : w;
  };
  const termText = (t: Term) => t.words.map(show).join(' ');
  // "Emulator · Emulation" says one thing twice: words sharing a 5-letter start count as the same.
  const sharesStem = (w: number, others: number[]) =>
    others.some((o) => corpus.stems[w]!.length >= 5 && corpus.stems[o]!.slice(0, 5) === corpus.stems[w]!.slice(0, 5));

  // Assemble names for big clusters first so they get the most natural pick; keep names unique.
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => members[b]!.length - members[a]!.length || a - b);
  const used = new Set<string>();
  const labels: ClusterLabel[] = new Array(k);
  for (const c of order) {
    const cands = ranked[c]!;
    const options: string[] = [];
    // Greedy: first term, then a second term that adds new words, within maxWords.
    for (let i = 0; i < Math.min(cands.length, 6) && options.length < 12; i++) {
      const first = cands[i]!;
      const tried = new Set<number>(first.words);
      let added = false;
      for (let j = 0; j < Math.min(cands.length, 12); j++) {
        if (j === i) continue;
        const second = cands[j]!;
        if (second.words.some((w) => tried.has(w) || sharesStem(w, first.words))) continue;
        if (first.words.length + second.words.length > maxWords) continue;
        options.push(`${termText(first)} · ${termText(second)}`);
        added = true;
        break;
      }
      if (!added) options.push(termText(first));
    }
    let name = options.find((o) => !used.has(o.toLowerCase()));
    if (!name) {
      const base = options[0] ?? 'Miscellaneous';
      let extra = cands.find((t) => !used.has(`${base} · ${termText(t)}`.toLowerCase()) && !base.includes(termText(t)));
      name = extra ? `${base} · ${termText(extra)}` : `${base} (${String.fromCharCode(65 + (used.size % 26))})`;
      extra = undefined;
    }
    used.add(name.toLowerCase());
    labels[c] = { name, terms: cands.slice(0, topTerms).map(termText) };
  }
  return labels;
}

/**
 * A phrase reads better than its lone word ("Firefox ESR" over "ESR"): a unigram is replaced, at its own rank, by the best
 * bigram containing it when that bigram scores at least 60% as high. Duplicates are dropped.
 */
function absorbIntoPhrases(terms: Term[]): Term[] {
  const bigrams = terms.filter((t) => t.words.length === 2);
  const out: Term[] = [];
  const seen = new Set<number>();
  for (const t of terms) {
    let pick = t;
    if (t.words.length === 1) {
      const phrase = bigrams.find((b) => b.words.includes(t.words[0]!) && b.score >= 0.6 * t.score);
      if (phrase) pick = phrase;
    }
    if (seen.has(pick.key)) continue;
    seen.add(pick.key);
    out.push(pick);
  }
  return out;
}

/** Finds how users capitalise the top words (X11, LibreOffice, PostgreSQL) by scanning a few member notes. */
function caseForms(corpus: Corpus, members: readonly (readonly number[])[], ranked: Term[][], texts: readonly string[]): Map<number, string> {
  const out = new Map<number, string>();
  const wanted = new Map<string, number>(); // lower-case display → stem
  ranked.forEach((r) => r.slice(0, 12).forEach((t) => t.words.forEach((w) => wanted.set(corpus.display[w]!, w))));
  if (wanted.size === 0) return out;
  const counts = new Map<string, Map<string, number>>();
  const re = /[\p{L}\p{N}]+(?:[+#]+)?/gu;
  for (const m of members) {
    for (const i of m.slice(0, 150)) {
      for (const match of texts[i]!.matchAll(re)) {
        const lower = match[0].toLowerCase();
        if (!wanted.has(lower)) continue;
        let c = counts.get(lower);
        if (!c) counts.set(lower, (c = new Map()));
        c.set(match[0], (c.get(match[0]) ?? 0) + 1);
      }
    }
  }
  for (const [lower, c] of counts) {
    // Keep a mixed/upper-case form only when it is the dominant spelling and not merely sentence-initial capitalisation.
    const best = [...c].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    const capitalisedOnly = best === lower.charAt(0).toUpperCase() + lower.slice(1);
    if (best !== lower && !capitalisedOnly) out.set(wanted.get(lower)!, best);
  }
  return out;
}
