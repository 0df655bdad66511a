// Client-side rollback detection: remembers the highest revision seen per note and flags older ones.

/** The storage the tracker needs: a Map, or an adapter over localStorage / a file. One store per user. */
export interface RevisionStore {
  get(noteId: string): number | undefined;
  set(noteId: string, revision: number): unknown;
  delete?(noteId: string): unknown;
}

/** What observing a revision found. */
export interface RevisionCheck {
  /** 'new': first sighting; 'current': same as the highest; 'advanced': higher; 'rollback': older than seen before. */
  status: 'new' | 'current' | 'advanced' | 'rollback';
  /** The highest revision known after this observation. */
  highest: number;
  /** True only for 'rollback': the server offered an older revision than this client has seen. */
  rollback: boolean;
}

/** Remembers the highest revision per note id and reports rollbacks; never lowers a stored revision. */
export class RevisionTracker {
  constructor(private readonly store: RevisionStore = new Map<string, number>()) {}

  /** Classifies `revision` for `noteId` without recording it. */
  check(noteId: string, revision: number): RevisionCheck {
    if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError('revision must be a non-negative safe integer');
    const seen = this.store.get(noteId.toLowerCase());
    if (seen === undefined) return { status: 'new', highest: revision, rollback: false };
    if (revision === seen) return { status: 'current', highest: seen, rollback: false };
    if (revision > seen) return { status: 'advanced', highest: revision, rollback: false };
    return { status: 'rollback', highest: seen, rollback: true };
  }

  /** Classifies `revision` and records it when it is the highest so far (call after a successful decrypt). */
  observe(noteId: string, revision: number): RevisionCheck {
    const result = this.check(noteId, revision);
    if (result.status === 'new' || result.status === 'advanced') this.store.set(noteId.toLowerCase(), revision);
    return result;
  }

  /** The highest revision seen for a note, if any. */
  highest(noteId: string): number | undefined {
    return this.store.get(noteId.toLowerCase());
  }

  /** The revision the next save of this note should carry: highest seen + 1 (or 1 for a new note). */
  nextRevision(noteId: string): number {
    const seen = this.highest(noteId);
    return seen === undefined ? 1 : seen + 1;
  }

  /** Forgets a note the user deleted on purpose (needs a store with delete). */
  forget(noteId: string): void {
    this.store.delete?.(noteId.toLowerCase());
  }
}
