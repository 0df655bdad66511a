/** Turns arbitrary note text (Markdown, URLs, code, any script, emoji) into lower-case word tokens. */

/** URL schemes and `www.` carry no topic, and their GloVe ranks would make them look rare. */
const URL_NOISE = /\b(?:https?|ftp|file|mailto):(?:\/\/)?|\bwww\./giu;
/** What URL_NOISE needs to match at all: a scheme and its colon, or `www.` (a fast test without \\b or /u). */
const MAYBE_URL = /(?:https?|ftp|file|mailto):|www\./i;

/** A word: letters, marks and digits, with inner apostrophes (search snippets find words with it too). */
export const WORD_PATTERN = String.raw`[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*`;

/** Words or single emoji. */
const TOKEN = new RegExp(`${WORD_PATTERN}|\\p{Extended_Pictographic}`, 'gu');

/** Scripts written without spaces: indexed as overlapping character bigrams. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** English clitics that GloVe splits off ('s, n't, ...): dropped, the stem word is kept. */
const CLITIC = /n['’]t$|['’](?:s|d|ll|re|ve|m)$/;

/** Camel-case boundaries inside identifiers and product names: "LibreOffice" → Libre|Office. */
const CAMEL = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;

/** Longest token kept whole; longer runs (hashes, base64) are cut so they cannot dominate. */
const MAX_TOKEN = 40;

/** Overlapping character bigrams of an unspaced-script run (the run itself if one character). */
function charBigrams(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length < 2) return chars;
  return chars.slice(1).map((c, i) => chars[i] + c);
}

/** A plain ASCII word, lower-case or capitalised: nothing to strip or split, only to fold. */
const PLAIN = /^[A-Z]?[a-z0-9]+$/;

/** Lower-case parts of one raw token: the clitic-free word, plus camel-case parts when it has any. */
function expandToken(raw: string, camel: boolean): string[] {
  const word = raw.replace(CLITIC, '');
  if (UNSPACED.test(word)) return charBigrams(word.toLowerCase());
  const pieces = word.split(/['’]/).filter(Boolean);
  const out: string[] = [];
  for (const p of pieces) {
    const lower = p.toLowerCase().slice(0, MAX_TOKEN);
    out.push(lower);
    if (camel) {
      const parts = p.split(CAMEL);
      if (parts.length > 1) for (const part of parts) out.push(part.toLowerCase());
    }
  }
  return out;
}

/** Tokens of a text, in order; camel-case parts follow their whole word when `camel` is set. */
export function tokenise(text: string, camel = true): string[] {
  return ASCII.test(text) ? asciiTokens(withoutUrls(text), camel) : patternTokens(text, camel); // NFKC leaves ASCII as it is
}

/** The text with URL schemes and `www.` blanked (URL_NOISE is slow, so it runs only where it can match). */
const withoutUrls = (text: string) => (MAYBE_URL.test(text) ? text.replace(URL_NOISE, ' ') : text);

/** Tokens of a text in any script, found by TOKEN after NFKC: the general path, and the reference asciiTokens is tested against. */
export function patternTokens(text: string, camel: boolean): string[] {
  const clean = withoutUrls(text.normalize('NFKC'));
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(clean); m; m = TOKEN.exec(clean)) {
    const raw = m[0];
    if (PLAIN.test(raw)) out.push(raw.toLowerCase().slice(0, MAX_TOKEN)); // most tokens: the same answer, sooner
    else out.push(...expandToken(raw, camel));
  }
  return out;
}

const ASCII = /^[\x00-\x7f]*$/;

/** Character classes of ASCII for the scanner: 1 lower-case letter or digit, 2 capital, 0 anything else. */
const ASCII_CLASS = Uint8Array.from({ length: 128 }, (_, c) => (/[a-z0-9]/.test(String.fromCharCode(c)) ? 1 : /[A-Z]/.test(String.fromCharCode(c)) ? 2 : 0));
const APOSTROPHE = 39;

/**
 * patternTokens() of an ASCII text, by a scan over its character codes instead of TOKEN (faster,
 * the same tokens: tokenise.test.ts). In ASCII a word is a run of letters and digits with inner
 * apostrophes, and no character is an emoji.
 */
function asciiTokens(text: string, camel: boolean): string[] {
  const lower = text.toLowerCase();
  // the character codes as bytes: also a flat copy (charCodeAt on a string built by concatenation can be slow)
  const codes = Buffer.from(text, 'latin1');
  const out: string[] = [];
  const n = codes.length;
  let i = 0;
  while (i < n) {
    if (ASCII_CLASS[codes[i]!] === 0) {
      i++;
      continue;
    }
    const start = i;
    let plain = true; // PLAIN: an optional capital first, then lower-case letters and digits
    for (i++; i < n; i++) {
      const k = ASCII_CLASS[codes[i]!];
      if (k === 2) plain = false;
      else if (k !== 1) {
        if (codes[i] === APOSTROPHE && i + 1 < n && ASCII_CLASS[codes[i + 1]!] !== 0) plain = false;
        else break;
      }
    }
    if (plain) out.push(lower.slice(start, Math.min(i, start + MAX_TOKEN)));
    else for (const t of expandToken(text.slice(start, i), camel)) out.push(t);
  }
  return out;
}
