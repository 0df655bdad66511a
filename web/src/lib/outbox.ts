// Notes waiting to reach the server. A saved note goes here first (in localStorage), so a network
// blink or a reload loses nothing: it is sent, retried with back-off, and removed only once the
// server has it. The capture box's draft is kept here too, keystroke by keystroke.
import { ApiError, api } from '../api/client.ts';
import type { Note } from '../api/types.ts';

export interface PendingNote {
  key: string;
  content: string;
  tags: string[];
  attempts: number;
  /** When the next attempt is due (ms since the epoch); 0 = now. */
  nextAt: number;
  /** A refusal that retrying will not fix (e.g. too large): the user must act. */
  failed?: string;
  /** The last transient error, shown while retrying. */
  lastError?: string;
}

export interface Draft {
  content: string;
  tags: string[];
}

const MAX_DELAY = 30_000;

/** Exponential back-off with jitter: 1 s, 2 s, 4 s, … up to 30 s. */
export function backoff(attempts: number, random = Math.random): number {
  const base = Math.min(MAX_DELAY, 1000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

type Listener = () => void;

/** One user's outbox and draft. */
export class Outbox {
  private items: PendingNote[];
  private listeners = new Set<Listener>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending = false;
  private stopped = true;
  private snapshot: readonly PendingNote[];

  constructor(
    private readonly userId: string,
    private readonly onSaved: (note: Note) => void,
    private readonly send: (content: string, tags: string[]) => Promise<Note> = api.notes.create,
  ) {
    this.items = this.read();
    this.snapshot = [...this.items];
  }

  /** Starts sending (and retrying when the browser comes back online). */
  start(): void {
    this.stopped = false;
    window.addEventListener('online', this.retryNow);
    this.retryNow();
  }

  private get key() {
    return `mindstorm:outbox:${this.userId}`;
  }

  private get draftKey() {
    return `mindstorm:draft:${this.userId}`;
  }

  private read(): PendingNote[] {
    try {
      const v = JSON.parse(localStorage.getItem(this.key) ?? '[]');
      return Array.isArray(v) ? v.map((p: PendingNote) => ({ ...p, nextAt: 0 })) : [];
    } catch {
      return [];
    }
  }

  private write(): void {
    try {
      localStorage.setItem(this.key, JSON.stringify(this.items));
    } catch {
      /* storage full or disabled: the note stays in memory until sent */
    }
    this.snapshot = [...this.items];
    for (const l of this.listeners) l();
  }

  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  /** The pending notes (a stable array between changes, for useSyncExternalStore). */
  getSnapshot = (): readonly PendingNote[] => this.snapshot;

  /** Queues a note and starts sending it. */
  add(content: string, tags: string[]): PendingNote {
    const item: PendingNote = { key: crypto.randomUUID(), content, tags, attempts: 0, nextAt: 0 };
    this.items.push(item);
    this.write();
    void this.flush();
    return item;
  }

  /** Drops a pending note (after the user chose to discard it or took it back into the box). */
  discard(key: string): void {
    this.items = this.items.filter((i) => i.key !== key);
    this.write();
  }

  /** Tries every waiting note now (the "retry now" button, the browser coming back online). */
  retryNow = (): void => {
    for (const i of this.items) if (!i.failed) i.nextAt = 0;
    void this.flush();
  };

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    const waiting = this.items.filter((i) => !i.failed);
    if (!waiting.length) return;
    const due = Math.min(...waiting.map((i) => i.nextAt));
    this.timer = setTimeout(() => void this.flush(), Math.max(0, due - Date.now()));
  }

  private async flush(): Promise<void> {
    if (this.sending || this.stopped) return;
    this.sending = true;
    try {
      for (;;) {
        const item = this.items.find((i) => !i.failed && i.nextAt <= Date.now());
        if (!item) break;
        try {
          const note = await this.send(item.content, item.tags);
          this.items = this.items.filter((i) => i.key !== item.key);
          this.write();
          this.onSaved(note);
        } catch (err) {
          const e = err instanceof ApiError ? err : new ApiError(0, 'network', String(err));
          item.attempts += 1;
          if (e.retryable) {
            item.nextAt = Date.now() + backoff(item.attempts);
            item.lastError = e.message;
          } else if (e.status === 401) {
            item.nextAt = Date.now() + MAX_DELAY; // signed out elsewhere: wait for a new session
            item.lastError = 'Sign in again to save this note.';
          } else {
            item.failed = e.message;
          }
          this.write();
        }
        if (this.stopped) break;
      }
    } finally {
      this.sending = false;
      this.schedule();
    }
  }

  loadDraft(): Draft {
    try {
      const d = JSON.parse(localStorage.getItem(this.draftKey) ?? 'null');
      if (d && typeof d.content === 'string' && Array.isArray(d.tags)) return d as Draft;
    } catch {
      /* a broken draft is no draft */
    }
    return { content: '', tags: [] };
  }

  saveDraft(d: Draft): void {
    try {
      if (!d.content && !d.tags.length) localStorage.removeItem(this.draftKey);
      else localStorage.setItem(this.draftKey, JSON.stringify(d));
    } catch {
      /* ignore */
    }
  }

  /** Stops timers (sign-out, unmount); what is queued stays in storage for the next start. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    window.removeEventListener('online', this.retryNow);
  }
}
