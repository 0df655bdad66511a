// Recovery keys: 256 random bits plus a 24-bit checksum, shown once as 56 Crockford base32 characters in 14 groups.
import type { Bytes } from './format.ts';
import { VaultError } from './errors.ts';
import { LABEL_RECOVERY_CHECK, VAULT_KEY_BYTES, concatBytes, utf8 } from './format.ts';
import { randomBytes, subtle } from './random.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford: no I, L, O, U
const CHECK_BYTES = 3;
const CHARS = 56; // (32 + 3) bytes * 8 / 5

async function checksum(key: Bytes): Promise<Bytes> {
  const digest = await subtle().digest('SHA-256', concatBytes(utf8(LABEL_RECOVERY_CHECK), key));
  return new Uint8Array(digest, 0, CHECK_BYTES);
}

/** Formats 32 key bytes as the recovery-key string, e.g. "7K3M-...-Q9XA" (14 groups of 4). */
export async function formatRecoveryKey(key: Bytes): Promise<string> {
  if (key.length !== VAULT_KEY_BYTES) throw new VaultError('invalid_argument', 'a recovery key has 32 bytes');
  const data = concatBytes(key, await checksum(key));
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const byte of data) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  return out.match(/.{4}/g)!.join('-');
}

/** Parses a recovery-key string (case, spaces and dashes ignored; O->0, I/L->1); typos fail the checksum. */
export async function parseRecoveryKey(text: string): Promise<Bytes> {
  const bad = (why: string): never => {
    throw new VaultError('invalid_recovery_key', `recovery key ${why}`);
  };
  if (typeof text !== 'string') return bad('must be a string');
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (clean.length !== CHARS) return bad(`must have ${CHARS} characters`);
  const data = new Uint8Array(VAULT_KEY_BYTES + CHECK_BYTES);
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return bad('contains an invalid character');
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      data[o++] = (acc >>> (bits - 8)) & 0xff;
      bits -= 8;
      acc &= (1 << bits) - 1;
    }
  }
  const key = data.slice(0, VAULT_KEY_BYTES);
  const want = await checksum(key);
  let diff = 0;
  for (let i = 0; i < CHECK_BYTES; i++) diff |= want[i]! ^ data[VAULT_KEY_BYTES + i]!;
  if (diff !== 0) return bad('checksum does not match (check for a typo)');
  return key;
}

/** Generates a fresh recovery key: its 32 bytes and its display string. */
export async function generateRecoveryKey(): Promise<{ bytes: Bytes; text: string }> {
  const bytes = randomBytes(VAULT_KEY_BYTES);
  return { bytes, text: await formatRecoveryKey(bytes) };
}
