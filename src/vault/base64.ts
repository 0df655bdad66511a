// Strict standard base64 (RFC 4648 section 4, with padding) for the API's string fields.
// Works the same in browsers and Node without Buffer.
import type { Bytes } from './format.ts';
import { VaultError } from './errors.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes as standard padded base64. */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + '=';
  }
  return out;
}

/** Decodes canonical padded base64; anything else (whitespace, url alphabet, bad padding) throws 'malformed'. */
export function fromBase64(text: string, what = 'base64 field'): Bytes {
  const bad = (): never => {
    throw new VaultError('malformed', `${what} is not canonical base64`);
  };
  if (typeof text !== 'string' || text.length % 4 !== 0) return bad();
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const vals = [0, 0, 0, 0];
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      if (last && j >= 4 - pad) {
        if (c !== 61 /* = */) bad();
        continue;
      }
      const v = c < 128 ? LOOKUP[c]! : -1;
      if (v < 0) bad();
      vals[j] = v;
    }
    const n = (vals[0]! << 18) | (vals[1]! << 12) | (vals[2]! << 6) | vals[3]!;
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    else if (last && pad === 2 && (n & 0xffff) !== 0) bad(); // non-zero unused bits: not canonical
    if (o < out.length) out[o++] = n & 255;
    else if (last && pad === 1 && (n & 0xff) !== 0) bad();
  }
  return out;
}
