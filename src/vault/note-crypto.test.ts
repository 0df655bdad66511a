// Vault notes: round trip, binding to user/note/revision/version, tampering, padding and nonce uniqueness.
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from './base64.ts';
import { VaultError } from './errors.ts';
import { decryptNote, encryptNote, generateNoteNonces, peekNoteRecord, type VaultNoteRecord } from './note-crypto.ts';
import { newNoteId } from './random.ts';
import { importVaultKey, type VaultKey } from './vault.ts';

const USER = 'b3c1e9a4-5f20-4d2b-8a61-0c7e4f9d2a11';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(VaultError);
    return (err as VaultError).code;
  }
  throw new Error('expected a VaultError, but the call succeeded');
}

const editField = (r: VaultNoteRecord, field: keyof VaultNoteRecord, edit: (b: Uint8Array) => void): VaultNoteRecord => {
  const b = fromBase64(r[field]);
  edit(b);
  return { ...r, [field]: toBase64(b) };
};

let key: VaultKey;
let otherKey: VaultKey;
beforeAll(async () => {
  key = await importVaultKey(crypto.getRandomValues(new Uint8Array(32)));
  otherKey = await importVaultKey(crypto.getRandomValues(new Uint8Array(32)));
});

describe('round trip', () => {
  const samples = [
    { title: 'Groceries', body: 'milk\neggs' },
    { body: '' },
    { title: '', body: 'no title but an empty one' },
    { title: 'Unicode', body: 'ümlaut 日本語 🎉 "quoted" \\ \u0000 \u2028' },
    { title: 'big', body: 'x'.repeat(300_000) },
  ];
  it.each(samples.map((p, i) => [i, p] as const))('sample %i', async (_i, plaintext) => {
    const noteId = newNoteId();
    const record = await encryptNote({ vaultKey: key, userId: USER, noteId, revision: 3, plaintext });
    expect(Object.keys(record).sort()).toEqual(['ciphertext', 'iv', 'salt']);
    expect(fromBase64(record.iv)).toHaveLength(12);
    expect(fromBase64(record.salt)).toHaveLength(32);
    expect(peekNoteRecord(record)).toEqual({ version: 1, revision: 3 });
    expect(await decryptNote({ vaultKey: key, userId: USER, noteId, record })).toEqual({ plaintext, revision: 3 });
    expect(await decryptNote({ vaultKey: key, userId: USER, noteId: noteId.toUpperCase(), record, revision: 3 })).toEqual({ plaintext, revision: 3 });
  });

  it('encrypting the same note twice gives unrelated records', async () => {
    const noteId = newNoteId();
    const a = await encryptNote({ vaultKey: key, userId: USER, noteId, revision: 1, plaintext: { body: 'same' } });
    const b = await encryptNote({ vaultKey: key, userId: USER, noteId, revision: 1, plaintext: { body: 'same' } });
    expect(a.salt).not.toBe(b.salt);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('pads lengths: short notes are all the same size, longer ones fall into Padmé buckets', async () => {
    const size = async (body: string) => fromBase64((await encryptNote({ vaultKey: key, userId: USER, noteId: newNoteId(), revision: 1, plaintext: { body } })).ciphertext).length;
    const short = await Promise.all(['', 'a', 'hello world', 'x'.repeat(200)].map(size));
    expect(new Set(short).size).toBe(1);
    expect(short[0]).toBe(1 + 8 + 256 + 16);
    expect(await size('x'.repeat(1000))).toBe(await size('x'.repeat(1010)));
  });

  it('refuses bad arguments', async () => {
    const base = { vaultKey: key, userId: USER, noteId: newNoteId(), revision: 1, plaintext: { body: 'b' } };
    expect(await codeOf(encryptNote({ ...base, noteId: 'note-1' }))).toBe('invalid_argument');
    expect(await codeOf(encryptNote({ ...base, revision: -1 }))).toBe('invalid_argument');
    expect(await codeOf(encryptNote({ ...base, revision: 1.5 }))).toBe('invalid_argument');
    expect(await codeOf(encryptNote({ ...base, userId: '' }))).toBe('invalid_argument');
    expect(await codeOf(encryptNote({ ...base, plaintext: { body: 5 } as never }))).toBe('invalid_argument');
  });
});

describe('binding to user, note, revision and version', () => {
  let noteA: string;
  let noteB: string;
  let recA: VaultNoteRecord;
  let recB: VaultNoteRecord;
  beforeAll(async () => {
    noteA = newNoteId();
    noteB = newNoteId();
    recA = await encryptNote({ vaultKey: key, userId: USER, noteId: noteA, revision: 5, plaintext: { title: 'A', body: 'note A' } });
    recB = await encryptNote({ vaultKey: key, userId: USER, noteId: noteB, revision: 5, plaintext: { title: 'B', body: 'note B' } });
  });

  it('a record moved to another note id fails', async () => {
    expect(await codeOf(decryptNote({ vaultKey: key, userId: USER, noteId: noteB, record: recA }))).toBe('decrypt_failed');
    expect(await codeOf(decryptNote({ vaultKey: key, userId: USER, noteId: noteA, record: recB }))).toBe('decrypt_failed');
  });

  it('a record moved to another user fails, even under the same vault key', async () => {
    expect(await codeOf(decryptNote({ vaultKey: key, userId: 'another-user', noteId: noteA, record: recA }))).toBe('decrypt_failed');
  });

  it('a record from another vault fails', async () => {
    expect(await codeOf(decryptNote({ vaultKey: otherKey, userId: USER, noteId: noteA, record: recA }))).toBe('decrypt_failed');
  });

  it('mixing fields of two records fails', async () => {
    for (const field of ['iv', 'salt', 'ciphertext'] as const) {
      const mixed = { ...recA, [field]: recB[field] };
      expect(await codeOf(decryptNote({ vaultKey: key, userId: USER, noteId: noteA, record: mixed }))).toBe('decrypt_failed');
    }
  });

  it('a changed cleartext revision fails authentication; an unexpected one is reported', async () => {
    for (const rev of [4, 6, 0, 2 ** 40]) {
      const edited = editField(recA, 'ciphertext', (b) => new DataView(b.buffer).setBigUint64(1, BigInt(rev)));
      expect(await codeOf(decryptNote({ vaultKey: key, userId: USER, noteId: noteA, record: edited }))).toBe('decrypt_failed');
    }
    expect(await codeOf(decryptNote({ vaultKey: key, userId: USER, noteId: noteA, record: recA, revision: 6 }))).toBe('revision_mismatch');
  });

  it('an unknown format version is refused', async () => {
    for (const v of [0, 2, 255]) {
      const edited = editField(recA, 'ciphertext', (b) => { b[0] = v; });
      expect(await codeOf(decryptNote({ vaultKey: key, userId: USER, noteId: noteA, record: edited }))).toBe('unsupported_version');
    }
  });

  it('malformed records are refused', async () => {
    const cases: VaultNoteRecord[] = [
      { ...recA, iv: toBase64(new Uint8Array(16)) },
      { ...recA, salt: toBase64(new Uint8Array(16)) },
      { ...recA, ciphertext: toBase64(fromBase64(recA.ciphertext).subarray(0, 24)) },
      { ...recA, ciphertext: recA.ciphertext + ' ' },
      { ...recA, iv: 'not base64!' },
      { ...recA, ciphertext: '' },
    ];
    for (const record of cases) {
      expect(await codeOf(decryptNote({ vaultKey: key, userId: USER, noteId: noteA, record }))).toBe('malformed');
    }
    expect(await codeOf(decryptNote({ vaultKey: key, userId: USER, noteId: noteA, record: null as never }))).toBe('malformed');
  });

  it('flipping any single byte of ciphertext, tag, IV or salt fails with a VaultError, never plaintext', async () => {
    let checked = 0;
    for (const field of ['ciphertext', 'iv', 'salt'] as const) {
      const n = fromBase64(recA[field]).length;
      for (let i = 0; i < n; i++) {
        const edited = editField(recA, field, (b) => { b[i]! ^= 0x01; });
        const code = await codeOf(decryptNote({ vaultKey: key, userId: USER, noteId: noteA, record: edited }));
        // byte 0 is the version; byte 1 is the revision's top byte (a flip there exceeds 2^53 - 1)
        const expected = field !== 'ciphertext' || i > 1 ? 'decrypt_failed' : i === 0 ? 'unsupported_version' : 'malformed';
        expect(code, `${field}[${i}]`).toBe(expected);
        checked++;
      }
    }
    expect(checked).toBe(1 + 8 + 256 + 16 + 12 + 32);
    // Truncating or extending the tag fails too.
    const short = editField(recA, 'ciphertext', () => undefined);
    const bytes = fromBase64(short.ciphertext);
    for (const ct of [bytes.subarray(0, bytes.length - 1), new Uint8Array([...bytes, 0])]) {
      expect(await codeOf(decryptNote({ vaultKey: key, userId: USER, noteId: noteA, record: { ...recA, ciphertext: toBase64(ct) } }))).toBe('decrypt_failed');
    }
  });
});

describe('nonce uniqueness', () => {
  it('100,000 draws of the generator encryptNote uses give no repeated salt, IV or (salt, IV) pair', () => {
    const pairs = new Set<string>();
    const ivs = new Set<string>();
    const salts = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const { salt, iv } = generateNoteNonces();
      expect(salt.length === 32 && iv.length === 12).toBe(true);
      const s = Buffer.from(salt).toString('base64');
      const v = Buffer.from(iv).toString('base64');
      salts.add(s);
      ivs.add(v);
      pairs.add(s + v);
    }
    expect([pairs.size, salts.size, ivs.size]).toEqual([100_000, 100_000, 100_000]);
  });

  it('2,000 real encryptions of one note give distinct (salt, IV) pairs', async () => {
    const noteId = newNoteId();
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const r = await encryptNote({ vaultKey: key, userId: USER, noteId, revision: i, plaintext: { body: 'same body' } });
      seen.add(r.salt + '|' + r.iv);
    }
    expect(seen.size).toBe(2000);
  });
});
