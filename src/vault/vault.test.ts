// The vault header: create/unlock, passphrase change, recovery key, refusal of weak or unknown headers,
// and tampering with any header byte.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fromBase64, toBase64 } from './base64.ts';
import { VaultError } from './errors.ts';
import { parseHeader, serializeHeader, type VaultEnvelope } from './header.ts';
import { ARGON2ID_DEFAULT, ARGON2ID_FLOOR, PBKDF2_DEFAULT, defaultKdf, deriveKek } from './kdf.ts';
import { decryptNote, encryptNote } from './note-crypto.ts';
import { newNoteId } from './random.ts';
import {
  changePassphrase, createVault, hasRecoveryKey, resetRecoveryKey, unlockVault, unlockWithKek, unlockWithRecoveryKey,
  type VaultKey,
} from './vault.ts';

const USER = '0f8fad5b-d9cb-469f-a165-70867728950e';
const PASS = 'correct horse battery staple';
const FLOOR = ARGON2ID_FLOOR;

/** Resolves to the VaultError code a promise rejects with; fails the test if it resolves or throws anything else. */
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(VaultError);
    return (err as VaultError).code;
  }
  throw new Error('expected a VaultError, but the call succeeded');
}

/** Proves two vault keys are the same key: one encrypts, the other decrypts. */
async function sameKey(a: VaultKey, b: VaultKey): Promise<void> {
  const noteId = newNoteId();
  const record = await encryptNote({ vaultKey: a, userId: USER, noteId, revision: 1, plaintext: { body: 'probe' } });
  expect((await decryptNote({ vaultKey: b, userId: USER, noteId, record })).plaintext.body).toBe('probe');
}

/** 'ok' when the promise resolves, the VaultError code when it rejects with one, 'other' otherwise. */
async function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(() => 'ok', (err: unknown) => (err instanceof VaultError ? err.code : 'other'));
}

function withBlob(header: VaultEnvelope, edit: (blob: Uint8Array) => void): VaultEnvelope {
  const blob = fromBase64(header.wrappedKey);
  edit(blob);
  return { ...header, wrappedKey: toBase64(blob) };
}

let vault: Awaited<ReturnType<typeof createVault>>;
beforeAll(async () => {
  vault = await createVault({ passphrase: PASS, userId: USER, kdf: FLOOR });
});

describe('create and unlock', () => {
  it('creates a header in the API shape with a recovery key by default', () => {
    const { header, recoveryKey } = vault;
    expect(Object.keys(header).sort()).toEqual(['kdf', 'wrappedKey']);
    expect(header.kdf).toEqual({ name: 'argon2id', salt: expect.any(String), params: { memoryKiB: 19456, iterations: 2, parallelism: 1 } });
    expect(fromBase64(header.kdf.salt)).toHaveLength(16);
    const blob = fromBase64(header.wrappedKey);
    expect(blob).toHaveLength(138);
    expect([blob[0], blob[1]]).toEqual([1, 1]);
    expect(recoveryKey).toMatch(/^([0-9A-Z]{4}-){13}[0-9A-Z]{4}$/);
    expect(JSON.parse(JSON.stringify(header))).toEqual(header);
    expect(serializeHeader(parseHeader(header))).toEqual(header);
  });

  it('unlocks with the passphrase to the same key, held non-extractable', async () => {
    const key = await unlockVault({ header: vault.header, passphrase: PASS, userId: USER });
    for (const k of [key, vault.vaultKey]) {
      expect(k.extractable).toBe(false);
      expect(k.algorithm.name).toBe('HKDF');
      await expect(crypto.subtle.exportKey('raw', k)).rejects.toThrow();
    }
    await sameKey(vault.vaultKey, key);
  });

  it('refuses a wrong passphrase with unlock_failed', async () => {
    expect(await codeOf(unlockVault({ header: vault.header, passphrase: PASS + ' ', userId: USER }))).toBe('unlock_failed');
    expect(await codeOf(unlockVault({ header: vault.header, passphrase: 'Correct horse battery staple', userId: USER }))).toBe('unlock_failed');
  });

  it('refuses the header under another user id with the same error', async () => {
    expect(await codeOf(unlockVault({ header: vault.header, passphrase: PASS, userId: USER.replace('0f', '1f') }))).toBe('unlock_failed');
    expect(await codeOf(unlockWithRecoveryKey({ header: vault.header, recoveryKey: vault.recoveryKey!, userId: 'someone-else' }))).toBe('unlock_failed');
  });

  it('unlocks with the recovery key', async () => {
    const key = await unlockWithRecoveryKey({ header: vault.header, recoveryKey: vault.recoveryKey!, userId: USER });
    expect(key.extractable).toBe(false);
    await sameKey(vault.vaultKey, key);
    const other = await createVault({ passphrase: PASS, userId: USER, kdf: FLOOR });
    expect(await codeOf(unlockWithRecoveryKey({ header: vault.header, recoveryKey: other.recoveryKey!, userId: USER }))).toBe('unlock_failed');
  });

  it('can go without a recovery key', async () => {
    const v = await createVault({ passphrase: PASS, userId: USER, kdf: FLOOR, recovery: false });
    expect(v.recoveryKey).toBeUndefined();
    expect(fromBase64(v.header.wrappedKey)).toHaveLength(62);
    expect(hasRecoveryKey(v.header)).toBe(false);
    expect(await codeOf(unlockWithRecoveryKey({ header: v.header, recoveryKey: vault.recoveryKey!, userId: USER }))).toBe('unlock_failed');
  });

  it('normalises the passphrase to NFC', async () => {
    const nfc = 'Crème brûlée';
    const v = await createVault({ passphrase: nfc, userId: USER, kdf: FLOOR, recovery: false });
    await sameKey(v.vaultKey, await unlockVault({ header: v.header, passphrase: nfc.normalize('NFD'), userId: USER }));
  });

  it('uses Argon2id 64 MiB / 3 passes / 4 lanes by default', async () => {
    const v = await createVault({ passphrase: PASS, userId: USER, recovery: false });
    expect(v.header.kdf).toMatchObject({ name: 'argon2id', params: { memoryKiB: 65536, iterations: 3, parallelism: 4 } });
    expect(ARGON2ID_DEFAULT).toEqual({ name: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 4 });
    await sameKey(v.vaultKey, await unlockVault({ header: v.header, passphrase: PASS, userId: USER }));
  });

  it('supports PBKDF2-HMAC-SHA256 at 600,000 iterations', async () => {
    const v = await createVault({ passphrase: PASS, userId: USER, kdf: PBKDF2_DEFAULT, recovery: false });
    expect(v.header.kdf).toMatchObject({ name: 'pbkdf2-sha256', params: { iterations: 600_000 } });
    await sameKey(v.vaultKey, await unlockVault({ header: v.header, passphrase: PASS, userId: USER }));
    expect(await codeOf(unlockVault({ header: v.header, passphrase: 'nope', userId: USER }))).toBe('unlock_failed');
  });

  it('falls back to PBKDF2 where WebAssembly is missing, and says so for Argon2id headers', async () => {
    vi.stubGlobal('WebAssembly', undefined);
    try {
      expect(defaultKdf()).toEqual(PBKDF2_DEFAULT);
      expect(await codeOf(unlockVault({ header: vault.header, passphrase: PASS, userId: USER }))).toBe('unavailable');
    } finally {
      vi.unstubAllGlobals();
    }
    expect(defaultKdf()).toEqual(ARGON2ID_DEFAULT);
  });

  it('refuses bad arguments', async () => {
    expect(await codeOf(createVault({ passphrase: '', userId: USER, kdf: FLOOR }))).toBe('invalid_argument');
    expect(await codeOf(createVault({ passphrase: PASS, userId: '', kdf: FLOOR }))).toBe('invalid_argument');
    expect(await codeOf(createVault({ passphrase: PASS, userId: USER, kdf: { ...FLOOR, memoryKiB: 8192 } }))).toBe('weak_kdf');
    expect(await codeOf(createVault({ passphrase: PASS, userId: USER, kdf: { name: 'pbkdf2-sha256', iterations: 100_000 } }))).toBe('weak_kdf');
  });
});

describe('passphrase change and recovery', () => {
  it('re-wraps one key: notes stay byte-identical and readable, the old passphrase fails, the recovery key still works', async () => {
    const v = await createVault({ passphrase: PASS, userId: USER, kdf: FLOOR });
    const notes = await Promise.all(Array.from({ length: 5 }, async (_, i) => {
      const noteId = newNoteId();
      const record = await encryptNote({ vaultKey: v.vaultKey, userId: USER, noteId, revision: i + 1, plaintext: { title: `t${i}`, body: `body ${i}` } });
      return { noteId, record, frozen: JSON.stringify(record) };
    }));

    const changed = await changePassphrase({ header: v.header, userId: USER, oldPassphrase: PASS, newPassphrase: 'a whole new passphrase' });
    expect(changed.header.kdf.salt).not.toBe(v.header.kdf.salt);
    // The recovery wrap (bytes 62..137) is carried over untouched; the passphrase wrap is new.
    const before = fromBase64(v.header.wrappedKey);
    const after = fromBase64(changed.header.wrappedKey);
    expect(after.subarray(62)).toEqual(before.subarray(62));
    expect(after.subarray(2, 62)).not.toEqual(before.subarray(2, 62));

    const newKey = await unlockVault({ header: changed.header, passphrase: 'a whole new passphrase', userId: USER });
    const recKey = await unlockWithRecoveryKey({ header: changed.header, recoveryKey: v.recoveryKey!, userId: USER });
    for (const [i, n] of notes.entries()) {
      expect(JSON.stringify(n.record)).toBe(n.frozen);
      for (const key of [newKey, recKey, changed.vaultKey]) {
        const out = await decryptNote({ vaultKey: key, userId: USER, noteId: n.noteId, record: n.record });
        expect(out).toEqual({ plaintext: { title: `t${i}`, body: `body ${i}` }, revision: i + 1 });
      }
    }
    expect(await codeOf(unlockVault({ header: changed.header, passphrase: PASS, userId: USER }))).toBe('unlock_failed');
    expect(await codeOf(changePassphrase({ header: changed.header, userId: USER, oldPassphrase: PASS, newPassphrase: 'x' }))).toBe('unlock_failed');
  });

  it('resets a forgotten passphrase with the recovery key, and upgrades the KDF', async () => {
    const v = await createVault({ passphrase: PASS, userId: USER, kdf: PBKDF2_DEFAULT });
    const reset = await changePassphrase({ header: v.header, userId: USER, recoveryKey: v.recoveryKey!, newPassphrase: 'fresh start', kdf: FLOOR });
    expect(reset.header.kdf.name).toBe('argon2id');
    await sameKey(v.vaultKey, await unlockVault({ header: reset.header, passphrase: 'fresh start', userId: USER }));
    await sameKey(v.vaultKey, reset.vaultKey);
    expect(await codeOf(changePassphrase({ header: v.header, userId: USER, newPassphrase: 'x' }))).toBe('invalid_argument');
    expect(await codeOf(changePassphrase({ header: v.header, userId: USER, oldPassphrase: PASS, recoveryKey: v.recoveryKey!, newPassphrase: 'x' }))).toBe('invalid_argument');
  });

  it('resetRecoveryKey replaces the recovery key; the old one stops working', async () => {
    const v = await createVault({ passphrase: PASS, userId: USER, kdf: FLOOR, recovery: false });
    const r1 = await resetRecoveryKey({ header: v.header, passphrase: PASS, userId: USER });
    const r2 = await resetRecoveryKey({ header: r1.header, passphrase: PASS, userId: USER });
    await sameKey(v.vaultKey, await unlockWithRecoveryKey({ header: r2.header, recoveryKey: r2.recoveryKey, userId: USER }));
    expect(await codeOf(unlockWithRecoveryKey({ header: r2.header, recoveryKey: r1.recoveryKey, userId: USER }))).toBe('unlock_failed');
    expect(await codeOf(resetRecoveryKey({ header: v.header, passphrase: 'wrong', userId: USER }))).toBe('unlock_failed');
  });
});

describe('refusing weak, unknown or malformed headers (no downgrade, no DoS)', () => {
  const kdfWith = (params: Record<string, unknown>, name = 'argon2id') => ({ ...vault.header, kdf: { ...vault.header.kdf, name, params } }) as unknown as VaultEnvelope;
  const cases: [string, () => unknown, string][] = [
    ['argon2id memory below 19 MiB', () => kdfWith({ memoryKiB: 19455, iterations: 2, parallelism: 1 }), 'weak_kdf'],
    ['argon2id one pass', () => kdfWith({ memoryKiB: 65536, iterations: 1, parallelism: 1 }), 'weak_kdf'],
    ['pbkdf2 below 600,000', () => kdfWith({ iterations: 599_999 }, 'pbkdf2-sha256'), 'weak_kdf'],
    ['argon2id memory above 1 GiB', () => kdfWith({ memoryKiB: 1024 * 1024 + 1, iterations: 2, parallelism: 1 }), 'kdf_limits'],
    ['argon2id 4 TiB', () => kdfWith({ memoryKiB: 2 ** 32, iterations: 2, parallelism: 1 }), 'kdf_limits'],
    ['argon2id 17 passes', () => kdfWith({ memoryKiB: 19456, iterations: 17, parallelism: 1 }), 'kdf_limits'],
    ['argon2id 17 lanes', () => kdfWith({ memoryKiB: 19456, iterations: 2, parallelism: 17 }), 'kdf_limits'],
    ['pbkdf2 above 10,000,000', () => kdfWith({ iterations: 10_000_001 }, 'pbkdf2-sha256'), 'kdf_limits'],
    ['an unknown KDF', () => kdfWith({ N: 16384, r: 8, p: 1 }, 'scrypt'), 'unsupported_kdf'],
    ['argon2i', () => kdfWith({ memoryKiB: 65536, iterations: 3, parallelism: 4 }, 'argon2i'), 'unsupported_kdf'],
    ['format version 2', () => withBlob(vault.header, (b) => { b[0] = 2; }), 'unsupported_version'],
    ['format version 0', () => withBlob(vault.header, (b) => { b[0] = 0; }), 'unsupported_version'],
    ['unknown flags', () => withBlob(vault.header, (b) => { b[1] = 3; }), 'malformed'],
    ['a truncated wrappedKey', () => ({ ...vault.header, wrappedKey: toBase64(fromBase64(vault.header.wrappedKey).subarray(0, 137)) }), 'malformed'],
    ['non-integer parameters', () => kdfWith({ memoryKiB: 19456.5, iterations: 2, parallelism: 1 }), 'malformed'],
    ['string parameters', () => kdfWith({ memoryKiB: '65536', iterations: 3, parallelism: 4 }), 'malformed'],
    ['an extra parameter', () => kdfWith({ memoryKiB: 65536, iterations: 3, parallelism: 4, secret: 'x' }), 'malformed'],
    ['a missing parameter', () => kdfWith({ memoryKiB: 65536, iterations: 3 }), 'malformed'],
    ['an extra header member', () => ({ ...vault.header, version: 1 }), 'malformed'],
    ['a 15-byte salt', () => ({ ...vault.header, kdf: { ...vault.header.kdf, salt: toBase64(new Uint8Array(15)) } }), 'malformed'],
    ['bad base64', () => ({ ...vault.header, wrappedKey: vault.header.wrappedKey.replace(/.$/, '*') }), 'malformed'],
    ['null', () => null, 'malformed'],
  ];
  it.each(cases)('refuses %s, quickly, before any key derivation', async (_name, make, code) => {
    const header = make() as VaultEnvelope;
    expect(() => parseHeader(header)).toThrow(VaultError);
    const started = performance.now();
    expect(await codeOf(unlockVault({ header, passphrase: PASS, userId: USER }))).toBe(code);
    expect(await codeOf(changePassphrase({ header, userId: USER, oldPassphrase: PASS, newPassphrase: 'x' }))).toBe(code);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('tampering with the header', () => {
  it('every single-byte change of the wrapped key fails its slot with a VaultError and never yields a key', async () => {
    const parsed = parseHeader(vault.header);
    const kek = await deriveKek(PASS, parsed.kdf, parsed.kdfSalt); // unlockVault = parseHeader + deriveKek + unlockWithKek
    await sameKey(vault.vaultKey, await unlockWithKek(parsed, kek, USER));
    const blob = fromBase64(vault.header.wrappedKey);
    let passphraseFailures = 0;
    let recoveryFailures = 0;
    for (let i = 0; i < blob.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const header = withBlob(vault.header, (b) => { b[i]! ^= mask; });
        const viaPassphrase = await outcome((async () => unlockWithKek(parseHeader(header), kek, USER))());
        const viaRecovery = await outcome(unlockWithRecoveryKey({ header, recoveryKey: vault.recoveryKey!, userId: USER }));
        if (i < 62) {
          expect(viaPassphrase, `byte ${i}`).toMatch(/^(unlock_failed|unsupported_version|malformed)$/);
          passphraseFailures++;
        }
        if (i < 2 || i >= 62) {
          expect(viaRecovery, `byte ${i}`).toMatch(/^(unlock_failed|unsupported_version|malformed)$/);
          recoveryFailures++;
        }
        if (i >= 2 && i < 62) expect(viaRecovery).toBe('ok'); // the other slot is independent
        if (i >= 62) expect(viaPassphrase).toBe('ok');
      }
    }
    expect(passphraseFailures).toBe(124);
    expect(recoveryFailures).toBe(2 * (2 + 76));
    // The same through the full unlockVault for a few positions (version, flags, IV, ciphertext, tag).
    for (const i of [0, 1, 2, 13, 14, 45, 61]) {
      const header = withBlob(vault.header, (b) => { b[i]! ^= 0x01; });
      expect(await codeOf(unlockVault({ header, passphrase: PASS, userId: USER }))).toMatch(/^(unlock_failed|unsupported_version|malformed)$/);
    }
  });

  it('every single-byte change of the KDF salt fails with unlock_failed', async () => {
    const salt = fromBase64(vault.header.kdf.salt);
    for (let i = 0; i < salt.length; i++) {
      const s = salt.slice();
      s[i]! ^= 0x01;
      const header = { ...vault.header, kdf: { ...vault.header.kdf, salt: toBase64(s) } };
      expect(await codeOf(unlockVault({ header, passphrase: PASS, userId: USER }))).toBe('unlock_failed');
    }
  });

  it('changed (still acceptable) KDF parameters fail with unlock_failed, like a wrong passphrase', async () => {
    const variants = [
      { memoryKiB: 19457, iterations: 2, parallelism: 1 },
      { memoryKiB: 19456, iterations: 3, parallelism: 1 },
      { memoryKiB: 19456, iterations: 2, parallelism: 2 },
    ];
    for (const params of variants) {
      const header = { ...vault.header, kdf: { ...vault.header.kdf, params } };
      expect(await codeOf(unlockVault({ header, passphrase: PASS, userId: USER }))).toBe('unlock_failed');
    }
    const asPbkdf2 = { ...vault.header, kdf: { name: 'pbkdf2-sha256' as const, salt: vault.header.kdf.salt, params: { iterations: 600_000 } } };
    expect(await codeOf(unlockVault({ header: asPbkdf2, passphrase: PASS, userId: USER }))).toBe('unlock_failed');
  });

  it('a header swapped in from another user or vault does not unlock', async () => {
    const mallory = await createVault({ passphrase: PASS, userId: 'mallory', kdf: FLOOR });
    expect(await codeOf(unlockVault({ header: mallory.header, passphrase: PASS, userId: USER }))).toBe('unlock_failed');
    // Splicing another vault's recovery wrap into this header does not open with either recovery key.
    const spliced = withBlob(vault.header, (b) => b.set(fromBase64(mallory.header.wrappedKey).subarray(62), 62));
    expect(await codeOf(unlockWithRecoveryKey({ header: spliced, recoveryKey: mallory.recoveryKey!, userId: USER }))).toBe('unlock_failed');
    expect(await codeOf(unlockWithRecoveryKey({ header: spliced, recoveryKey: vault.recoveryKey!, userId: USER }))).toBe('unlock_failed');
  });
});
