import { describe, expect, it } from 'vitest';
import { passphraseStrength } from '../../web/src/lib/strength.ts';

describe('passphrase strength', () => {
  it('ranks common and short passphrases low, long random ones high', () => {
    expect(passphraseStrength('').score).toBe(0);
    expect(passphraseStrength('password123').score).toBeLessThanOrEqual(1);
    expect(passphraseStrength('aaaaaaaaaaaaaaaa').score).toBeLessThanOrEqual(1);
    expect(passphraseStrength('abcdefghijklmnop').score).toBeLessThanOrEqual(1);
    expect(passphraseStrength('orbit lantern velvet cactus harbour').score).toBeGreaterThanOrEqual(3);
    expect(passphraseStrength('Tr0ub4dour&3-xK9!qZ').score).toBeGreaterThanOrEqual(3);
  });

  it('counts four or more words like diceware', () => {
    expect(passphraseStrength('correct horse battery staple').bits).toBeGreaterThanOrEqual(44);
  });
});
