// The vault's key operations, in a Web Worker where there is one (the page stays responsive during
// Argon2id), on the page otherwise. Keys live in memory only.
import { createVault, unlockVault, unlockWithRecoveryKey, VaultError, type VaultEnvelope, type VaultErrorCode, type VaultKey } from '@vault';
import type { VaultRequest } from './vault.worker.ts';

type Pending = { resolve: (v: any) => void; reject: (e: unknown) => void };
type Op = VaultRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

let worker: Worker | null | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function getWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL('./vault.worker.ts', import.meta.url), { type: 'module', name: 'vault' });
    worker.onmessage = (e: MessageEvent<{ id: number; ok: boolean; result?: unknown; error?: { code: string; message: string } }>) => {
      const p = pending.get(e.data.id);
      if (!p) return;
      pending.delete(e.data.id);
      if (e.data.ok) p.resolve(e.data.result);
      else p.reject(new VaultError(e.data.error!.code as VaultErrorCode, e.data.error!.message));
    };
    worker.onerror = () => {
      for (const p of pending.values()) p.reject(new VaultError('unavailable', 'the vault worker stopped'));
      pending.clear();
      worker = null; // fall back to the page from now on
    };
  } catch {
    worker = null;
  }
  return worker;
}

async function run<T>(op: Op): Promise<T> {
  const w = getWorker();
  if (w) {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.postMessage({ ...op, id });
    });
  }
  if (op.op === 'create') return (await createVault({ passphrase: op.passphrase, userId: op.userId })) as T;
  if (op.op === 'unlock') return { vaultKey: await unlockVault(op) } as T;
  return { vaultKey: await unlockWithRecoveryKey(op) } as T;
}

/** Creates a new vault: the header to store, the key, and the recovery key to show once. */
export const createVaultAsync = (passphrase: string, userId: string) =>
  run<{ header: VaultEnvelope; vaultKey: VaultKey; recoveryKey?: string }>({ op: 'create', passphrase, userId });

/** Opens the vault key with the passphrase. */
export const unlockAsync = async (header: VaultEnvelope, passphrase: string, userId: string) =>
  (await run<{ vaultKey: VaultKey }>({ op: 'unlock', header, passphrase, userId })).vaultKey;

/** Opens the vault key with the recovery key. */
export const recoverAsync = async (header: VaultEnvelope, recoveryKey: string, userId: string) =>
  (await run<{ vaultKey: VaultKey }>({ op: 'recover', header, recoveryKey, userId })).vaultKey;
