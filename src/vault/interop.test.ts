// Interoperability with the independent Python implementation (scripts/vault-vectors.py):
// Python -> TypeScript through the committed vectors, TypeScript -> Python by running the script.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from './base64.ts';
import { parseHeader, serializeHeader, type VaultEnvelope } from './header.ts';
import { ARGON2ID_FLOOR, PBKDF2_DEFAULT, argon2idRaw, deriveKek, type KdfConfig } from './kdf.ts';
import { decryptNote, encryptNote, sealNote, type NotePlaintext, type VaultNoteRecord } from './note-crypto.ts';
import { newNoteId } from './random.ts';
import { formatRecoveryKey } from './recovery-key.ts';
import {
  createVault, importVaultKey, sealPassphraseSlot, sealRecoverySlot, unlockVault, unlockWithRecoveryKey,
} from './vault.ts';

const SCRIPT = fileURLToPath(new URL('../../scripts/vault-vectors.py', import.meta.url));
const VECTORS = fileURLToPath(new URL('../../test/fixtures/vault/python-vectors.json', import.meta.url));
const PYTHON = '/usr/bin/python3'; // Debian's, with python3-cryptography and python3-argon2

interface PyNote { noteId: string; revision: number; plaintext: NotePlaintext; record: VaultNoteRecord }
interface PyVault {
  description: string;
  userId: string;
  passphrase: string;
  passphraseNfd: string;
  recoveryKey: string | null;
  header: VaultEnvelope;
  secrets: { vaultKeyHex: string; kekHex: string; recoveryKeyHex: string | null };
  notes: PyNote[];
}
interface PyVectors {
  formatVersion: number;
  argon2id: { passwordHex: string; saltHex: string; memoryKiB: number; iterations: number; parallelism: number; hashLength: number; tagHex: string }[];
  vaults: PyVault[];
}

const vectors = JSON.parse(readFileSync(VECTORS, 'utf8')) as PyVectors;
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (h: string) => new Uint8Array((h.match(/../g) ?? []).map((x) => parseInt(x, 16)));

describe('Python -> TypeScript (test/fixtures/vault/python-vectors.json)', () => {
  it('is format version 1 and covers both KDFs, recovery keys and several notes', () => {
    expect(vectors.formatVersion).toBe(1);
    expect(vectors.vaults.map((v) => v.header.kdf.name).sort()).toEqual(['argon2id', 'pbkdf2-sha256']);
    expect(vectors.vaults.some((v) => v.recoveryKey)).toBe(true);
    expect(vectors.vaults.flatMap((v) => v.notes).length).toBeGreaterThanOrEqual(5);
  });

  it.each(vectors.argon2id.map((k) => [`m=${k.memoryKiB} t=${k.iterations} p=${k.parallelism}`, k] as const))(
    'Argon2id matches argon2-cffi / libargon2 (%s)',
    async (_name, k) => {
      const tag = await argon2idRaw(unhex(k.passwordHex), unhex(k.saltHex), k.memoryKiB, k.iterations, k.parallelism, k.hashLength);
      expect(hex(tag)).toBe(k.tagHex);
    },
  );

  for (const v of vectors.vaults) {
    describe(v.description, () => {
      it('derives the same KEK, unlocks (NFC and NFD passphrase) and decrypts every note', async () => {
        const parsed = parseHeader(v.header);
        expect(serializeHeader(parsed)).toEqual(v.header);
        expect(hex(await deriveKek(v.passphrase, parsed.kdf, parsed.kdfSalt))).toBe(v.secrets.kekHex);
        const keys = [
          await unlockVault({ header: v.header, passphrase: v.passphrase, userId: v.userId }),
          await unlockVault({ header: v.header, passphrase: v.passphraseNfd, userId: v.userId }),
        ];
        if (v.recoveryKey) keys.push(await unlockWithRecoveryKey({ header: v.header, recoveryKey: v.recoveryKey, userId: v.userId }));
        for (const vaultKey of keys) {
          for (const n of v.notes) {
            const out = await decryptNote({ vaultKey, userId: v.userId, noteId: n.noteId, record: n.record, revision: n.revision });
            expect(out).toEqual({ plaintext: n.plaintext, revision: n.revision });
          }
        }
      });

      it('produces byte-identical wraps and note records from the same key, salt and IV', async () => {
        const parsed = parseHeader(v.header);
        const raw = unhex(v.secrets.vaultKeyHex);
        const wrap = await sealPassphraseSlot(raw, unhex(v.secrets.kekHex), parsed.kdf, parsed.kdfSalt, v.userId, parsed.passphraseWrap.iv);
        expect(hex(wrap.ciphertext)).toBe(hex(parsed.passphraseWrap.ciphertext));
        if (v.secrets.recoveryKeyHex) {
          const r = parsed.recoveryWrap!;
          const rwrap = await sealRecoverySlot(raw, unhex(v.secrets.recoveryKeyHex), r.salt, v.userId, r.iv);
          expect(hex(rwrap.ciphertext)).toBe(hex(r.ciphertext));
          expect(await formatRecoveryKey(unhex(v.secrets.recoveryKeyHex))).toBe(v.recoveryKey);
        }
        const vaultKey = await importVaultKey(raw);
        for (const n of v.notes) {
          const again = await sealNote({ vaultKey, userId: v.userId, noteId: n.noteId, revision: n.revision, plaintext: n.plaintext }, fromBase64(n.record.salt), fromBase64(n.record.iv));
          expect(again).toEqual(n.record);
        }
      });

      it('refuses the vectors under the wrong user or note id', async () => {
        const vaultKey = await importVaultKey(unhex(v.secrets.vaultKeyHex));
        const [first] = v.notes;
        await expect(decryptNote({ vaultKey, userId: v.userId + 'x', noteId: first!.noteId, record: first!.record })).rejects.toMatchObject({ code: 'decrypt_failed' });
        await expect(decryptNote({ vaultKey, userId: v.userId, noteId: newNoteId(), record: first!.record })).rejects.toMatchObject({ code: 'decrypt_failed' });
        await expect(unlockVault({ header: v.header, passphrase: v.passphrase, userId: v.userId + 'x' })).rejects.toMatchObject({ code: 'unlock_failed' });
      });
    });
  }
});

const pythonCheck = spawnSync(PYTHON, ['-c', 'import cryptography, argon2'], { encoding: 'utf8' });
const pythonReady = pythonCheck.status === 0;
const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (!pythonReady && !inCi) {
  console.warn(`[vault interop] skipping TypeScript -> Python: ${PYTHON} lacks cryptography/argon2 (apt-get install -y python3-cryptography python3-argon2)`);
}

function runPython(doc: unknown): { status: number | null; result: { ok: boolean; error?: string; sameKey?: boolean | null; notes?: (NotePlaintext & { noteId: string; revision: number })[] } } {
  const dir = mkdtempSync(join(tmpdir(), 'vault-interop-'));
  try {
    const file = join(dir, 'vault.json');
    writeFileSync(file, JSON.stringify(doc));
    const run = spawnSync(PYTHON, [SCRIPT, '--decrypt', file], { encoding: 'utf8', timeout: 60_000 });
    if (run.error) throw run.error;
    if (!run.stdout.trim()) throw new Error(`python printed nothing; stderr: ${run.stderr}`);
    return { status: run.status, result: JSON.parse(run.stdout) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!pythonReady && !inCi)('TypeScript -> Python (scripts/vault-vectors.py --decrypt)', () => {
  it('has Debian python3-cryptography and python3-argon2', () => {
    expect(pythonCheck.status, `${PYTHON}: ${pythonCheck.stderr || pythonCheck.error} — apt-get install -y python3-cryptography python3-argon2`).toBe(0);
  });

  const notes: NotePlaintext[] = [
    { title: 'from TypeScript', body: 'hello Python' },
    { body: '' },
    { title: 'émoji 🧪', body: 'line1\nline2\t"q" \\ \u0001 日本語' },
    { title: 'long', body: 'abc '.repeat(5000) },
  ];

  for (const [name, kdf] of [['argon2id floor', ARGON2ID_FLOOR], ['pbkdf2-sha256', PBKDF2_DEFAULT]] as [string, KdfConfig][]) {
    it(`Python unlocks a ${name} vault made here, by passphrase and recovery key, and reads every note`, async () => {
      const userId = 'c56a4180-65aa-42ec-a945-5fd21dec0538';
      const passphrase = 'Ünïcödé passphrase ✓';
      const v = await createVault({ passphrase, userId, kdf });
      const records = await Promise.all(notes.map(async (plaintext, i) => {
        const noteId = newNoteId();
        return { noteId, record: await encryptNote({ vaultKey: v.vaultKey, userId, noteId, revision: 10 + i, plaintext }) };
      }));
      const { status, result } = runPython({ userId, passphrase: passphrase.normalize('NFD'), recoveryKey: v.recoveryKey, header: v.header, notes: records });
      expect(result).toMatchObject({ ok: true, sameKey: true });
      expect(status).toBe(0);
      expect(result.notes).toEqual(notes.map((p, i) => ({ ...p, noteId: records[i]!.noteId, revision: 10 + i })));
    });
  }

  it('Python also refuses a tampered record and a wrong passphrase', async () => {
    const userId = 'u-7';
    const v = await createVault({ passphrase: 'pw one', userId, kdf: ARGON2ID_FLOOR, recovery: false });
    const noteId = newNoteId();
    const record = await encryptNote({ vaultKey: v.vaultKey, userId, noteId, revision: 1, plaintext: { body: 'x' } });
    const ct = fromBase64(record.ciphertext);
    ct[20]! ^= 1;
    const tampered = runPython({ userId, passphrase: 'pw one', header: v.header, notes: [{ noteId, record: { ...record, ciphertext: toBase64(ct) } }] });
    expect([tampered.status, tampered.result]).toEqual([1, { ok: false, error: 'decrypt_failed' }]);
    const wrong = runPython({ userId, passphrase: 'pw two', header: v.header, notes: [] });
    expect([wrong.status, wrong.result]).toEqual([1, { ok: false, error: 'unlock_failed' }]);
  });
});
