// The signed-in user and what hangs off the session: the outbox of unsaved notes, the capture box.
import { createContext, useContext } from 'react';
import type { User } from './api/types.ts';
import type { Outbox } from './lib/outbox.ts';

export interface Session {
  user: User;
  outbox: Outbox;
  /** Opens the capture box, optionally with text to start from. */
  openCapture(initial?: { content: string; tags: string[] }): void;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in tree');
  return s;
}
