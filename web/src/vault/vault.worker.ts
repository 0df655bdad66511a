// Runs the slow half of the vault (Argon2id, 64 MiB of WebAssembly) off the page's thread.
// Answers with a non-extractable CryptoKey, which structured cloning carries without exposing it.
import { createVault, isVaultError, unlockVault, unlockWithRecoveryKey, type VaultEnvelope } from '@vault';

export type VaultRequest =
  | { id: number; op: 'create'; passphrase: string; userId: string }
  | { id: number; op: 'unlock'; header: VaultEnvelope; passphrase: string; userId: string }
  | { id: number; op: 'recover'; header: VaultEnvelope; recoveryKey: string; userId: string };

type Scope = { onmessage: ((e: MessageEvent<VaultRequest>) => void) | null; postMessage(msg: unknown): void };
const scope = self as unknown as Scope;

scope.onmessage = async (e) => {
  const req = e.data;
  try {
    let result: unknown;
    if (req.op === 'create') result = await createVault({ passphrase: req.passphrase, userId: req.userId });
    else if (req.op === 'unlock') result = { vaultKey: await unlockVault({ header: req.header, passphrase: req.passphrase, userId: req.userId }) };
    else result = { vaultKey: await unlockWithRecoveryKey({ header: req.header, recoveryKey: req.recoveryKey, userId: req.userId }) };
    scope.postMessage({ id: req.id, ok: true, result });
  } catch (err) {
    scope.postMessage({
      id: req.id,
      ok: false,
      error: { code: isVaultError(err) ? err.code : 'internal', message: err instanceof Error ? err.message : String(err) },
    });
  }
};
