import { describe, expect, it } from 'vitest';
import { tokenise } from './tokenise.ts';

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
