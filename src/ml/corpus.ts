/** Compact analysed corpus: every note as stem ids, tokenised once and shared by TF-IDF features and cluster naming. */
import { lightStem, scanTokens } from './tokenize.js';

/** One analysed note: stem ids in reading order, and whether each token directly follows the previous one (bigram-able). */
export interface AnalyzedDoc {
  ids: Int32Array;
  joined: Uint8Array;
}

/** A user's notes as stem ids plus the vocabulary needed to turn stems back into readable words. */
export interface Corpus {
  docs: AnalyzedDoc[];
  /** Stem strings by id. */
  stems: string[];
  /** Most frequent surface form for each stem id (what a name shows: "libraries" not "library" if that is what users wrote). */
  display: string[];
  stemmed: boolean;
}

/** Tokenises all notes once into stem ids (surface→stem lookups are memoised, so stemming runs once per distinct word). */
export function analyzeCorpus(texts: readonly string[], stem = true): Corpus {
  const surfaceId = new Map<string, number>();
  const surfaceStem: number[] = [];
  const surfaceCount: number[] = [];
  const surfaces: string[] = [];
  const stemId = new Map<string, number>();
  const stems: string[] = [];
  const docs: AnalyzedDoc[] = [];
  const idsBuf: number[] = [];
  const joinBuf: number[] = [];
  for (const text of texts) {
    idsBuf.length = 0;
    joinBuf.length = 0;
    scanTokens(text, (surface, joined) => {
      let sid = surfaceId.get(surface);
      if (sid === undefined) {
        sid = surfaces.length;
        surfaceId.set(surface, sid);
        surfaces.push(surface);
        surfaceCount.push(0);
        const st = stem ? lightStem(surface) : surface;
        let tid = stemId.get(st);
        if (tid === undefined) {
          tid = stems.length;
          stemId.set(st, tid);
          stems.push(st);
        }
        surfaceStem.push(tid);
      }
      surfaceCount[sid]!++;
      idsBuf.push(surfaceStem[sid]!);
      joinBuf.push(joined ? 1 : 0);
    });
    docs.push({ ids: Int32Array.from(idsBuf), joined: Uint8Array.from(joinBuf) });
  }
  const best = new Float64Array(stems.length).fill(-1);
  const display = stems.slice();
  for (let s = 0; s < surfaces.length; s++) {
    const t = surfaceStem[s]!;
    if (surfaceCount[s]! > best[t]!) {
      best[t] = surfaceCount[s]!;
      display[t] = surfaces[s]!;
    }
  }
  return { docs, stems, display, stemmed: stem };
}
