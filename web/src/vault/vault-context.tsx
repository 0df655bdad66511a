// The unlocked vault key, in memory only: dropped on "Lock", on sign-out, on reload, and after
// 15 minutes without a key press, click or scroll.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { VaultKey } from '@vault';

/** Idle time before the vault locks itself. */
export const AUTO_LOCK_MS = 15 * 60 * 1000;

interface VaultState {
  key: VaultKey | null;
  unlockedAt: number | null;
  /** Why the vault last locked: the user, or 15 idle minutes. */
  lockedBy: 'user' | 'idle' | null;
  setKey(key: VaultKey): void;
  lock(reason?: 'user' | 'idle'): void;
}

const VaultContext = createContext<VaultState | null>(null);

export function VaultProvider({ children }: { children: ReactNode }) {
  const [key, setKeyState] = useState<VaultKey | null>(null);
  const [unlockedAt, setUnlockedAt] = useState<number | null>(null);
  const [lockedBy, setLockedBy] = useState<'user' | 'idle' | null>(null);
  const keyRef = useRef<VaultKey | null>(null);
  const lastActivity = useRef(0);

  const lock = useCallback((reason: 'user' | 'idle' = 'user') => {
    if (keyRef.current) setLockedBy(reason);
    keyRef.current = null;
    setKeyState(null);
    setUnlockedAt(null);
  }, []);

  const setKey = useCallback((k: VaultKey) => {
    keyRef.current = k;
    lastActivity.current = Date.now(); // idle time counts from the unlock
    setKeyState(k);
    setUnlockedAt(Date.now());
    setLockedBy(null);
  }, []);

  // Idle time is measured against the wall clock, checked every 15 s and whenever the tab comes
  // back: a sleeping laptop or a throttled background tab cannot stretch it.
  useEffect(() => {
    if (!key) return;
    const touch = () => {
      lastActivity.current = Date.now();
    };
    const check = () => {
      if (Date.now() - lastActivity.current >= AUTO_LOCK_MS) lock('idle');
    };
    const interval = setInterval(check, 15_000);
    const events = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;
    for (const e of events) window.addEventListener(e, touch, { passive: true });
    document.addEventListener('visibilitychange', check);
    return () => {
      clearInterval(interval);
      for (const e of events) window.removeEventListener(e, touch);
      document.removeEventListener('visibilitychange', check);
    };
  }, [key, lock]);

  const value = useMemo(() => ({ key, unlockedAt, lockedBy, setKey, lock }), [key, unlockedAt, lockedBy, setKey, lock]);
  return <VaultContext.Provider value={value}>{children}</VaultContext.Provider>;
}

export function useVault(): VaultState {
  const v = useContext(VaultContext);
  if (!v) throw new Error('useVault outside VaultProvider');
  return v;
}
