import { describe, expect, it } from 'vitest';
import { synthesize } from '../../eval/synthetic-notes.ts';
import { patternTokens, tokenise } from './tokenise.ts';

describe('tokenise', () => {
  it('lower-cases words and drops punctuation and Markdown syntax', () => {
    expect(tokenise('# Title\n\n**Bold** _text_, `code()` > quote - [link](x)')).toEqual([
      'title', 'bold', 'text', 'code', 'quote', 'link', 'x',
    ]);
  });

  it('drops URL schemes and www but keeps host and path words', () => {
    expect(tokenise('see https://www.example.org/docs/intro')).toEqual(['see', 'example', 'org', 'docs', 'intro']);
  });

  it('adds camel-case parts after the whole identifier, and splits snake_case', () => {
    expect(tokenise('LibreOffice getUserName snake_case')).toEqual([
      'libreoffice', 'libre', 'office', 'getusername', 'get', 'user', 'name', 'snake', 'case',
    ]);
    expect(tokenise('LibreOffice', false)).toEqual(['libreoffice']);
  });

  it('strips English clitics', () => {
    expect(tokenise("It's the user's file, don't")).toEqual(['it', 'the', 'user', 'file', 'do']);
  });

  it('keeps accented and non-Latin words, and turns unspaced scripts into character bigrams', () => {
    expect(tokenise('Café naïve Привет мир')).toEqual(['café', 'naïve', 'привет', 'мир']);
    expect(tokenise('日本語')).toEqual(['日本', '本語']);
    expect(tokenise('中')).toEqual(['中']);
  });

  it('keeps emoji as tokens and returns nothing for punctuation only or empty text', () => {
    expect(tokenise('party 🎉')).toEqual(['party', '🎉']);
    expect(tokenise('')).toEqual([]);
    expect(tokenise('!!! ... --- ***')).toEqual([]);
  });

  it('cuts very long tokens', () => {
    expect(tokenise('a'.repeat(500))[0]).toHaveLength(40);
  });
});

describe('the ASCII scanner', () => {
  const general = (t: string) => patternTokens(t, true);

  it('finds the same tokens as the general pattern on every dev note', () => {
    const texts = synthesize(3000, 3).notes.map((n) => n.text).filter((t) => /^[\x00-\x7f]*$/.test(t));
    expect(texts.length).toBeGreaterThan(2500);
    for (const t of texts) expect(tokenise(t)).toEqual(general(t));
  });

  it('finds the same tokens on random ASCII, apostrophes, capitals and long runs included', () => {
    const alphabet = "aZ9'_ -:./#*@!\n\tqXyB0'e'Cw";
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 3000; n++) {
      const length = next() % 60;
      let t = '';
      for (let i = 0; i < length; i++) t += next() % 17 === 0 ? 'x'.repeat(next() % 50) : alphabet[next() % alphabet.length];
      expect(tokenise(t), JSON.stringify(t)).toEqual(general(t));
    }
    expect(tokenise("Rock'n'Roll ABC's 'quoted' A1 I O'Neil x''y")).toEqual(general("Rock'n'Roll ABC's 'quoted' A1 I O'Neil x''y"));
  });

  it('no ASCII character is an emoji token', () => {
    for (let c = 0; c < 128; c++) expect(/\p{Extended_Pictographic}/u.test(String.fromCharCode(c))).toBe(false);
  });
});
