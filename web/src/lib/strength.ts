// A passphrase strength estimate for the vault set-up: rough entropy with penalties for the patterns
// people use. It guides; the real protection is Argon2id and the length we require.

export interface Strength {
  /** 0 (very weak) .. 4 (strong) */
  score: 0 | 1 | 2 | 3 | 4;
  label: string;
  /** Estimated bits of entropy. */
  bits: number;
  hint: string;
}

const COMMON = ['password', 'passwort', 'qwerty', 'azerty', 'letmein', 'welcome', 'admin', 'iloveyou', 'monkey', 'dragon', 'secret', 'mindstorm', '123456', 'abc123'];

/** Estimates how hard a passphrase is to guess. */
export function passphraseStrength(passphrase: string): Strength {
  const p = passphrase.normalize('NFC');
  if (!p) return { score: 0, label: 'Empty', bits: 0, hint: 'Use four or more random words, or 16+ characters.' };
  let pool = 0;
  if (/[a-z]/.test(p)) pool += 26;
  if (/[A-Z]/.test(p)) pool += 26;
  if (/[0-9]/.test(p)) pool += 10;
  if (/[^a-zA-Z0-9\s]/.test(p)) pool += 33;
  if (/\s/.test(p)) pool += 1;
  if (/[^\x00-\x7f]/.test(p)) pool += 100;
  const chars = [...p];
  // repeated characters and runs count once
  let effective = 0;
  for (let i = 0; i < chars.length; i++) {
    const prev = chars[i - 1];
    const cur = chars[i]!;
    if (prev === cur) continue;
    if (prev && Math.abs(cur.charCodeAt(0) - prev.charCodeAt(0)) === 1) effective += 0.3;
    else effective += 1;
  }
  let bits = effective * Math.log2(Math.max(pool, 2));
  const lower = p.toLowerCase();
  for (const w of COMMON) if (lower.includes(w)) bits -= 20;
  const words = p.trim().split(/\s+/).filter((w) => w.length >= 3);
  if (words.length >= 4) bits = Math.max(bits, words.length * 11); // diceware-like
  bits = Math.max(0, Math.round(bits));
  const score = bits < 28 ? 0 : bits < 45 ? 1 : bits < 60 ? 2 : bits < 80 ? 3 : 4;
  const label = ['Very weak', 'Weak', 'Fair', 'Good', 'Strong'][score]!;
  const hint =
    score >= 3 ? 'A good passphrase. Write it down somewhere safe.' : p.length < 12 ? 'Make it longer: 4+ random words or 16+ characters.' : 'Add more words, or mix in unusual ones.';
  return { score: score as Strength['score'], label, bits, hint };
}
