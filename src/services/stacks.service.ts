import type { Database } from '../db/client.ts';
import { asUser, type UserTx } from '../db/as-user.ts';
import type { NoteRow } from '../db/repos/notes.repo.ts';
import * as repo from '../db/repos/stacks.repo.ts';
import type { StackRow } from '../db/repos/stacks.repo.ts';
import { AppError, notFound } from '../errors.ts';

/** Stack names are 1 to 100 characters once trimmed. */
export const MAX_STACK_NAME = 100;
/** A stack shows at most this many notes: enough for a reading list, small enough for one answer. */
export const MAX_STACK_NOTES = 1000;

/** A stack with its live notes in order. */
export type StackWithNotes = StackRow & { notes: NoteRow[] };

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new AppError('validation_failed', 'name must not be empty');
  if ([...trimmed].length > MAX_STACK_NAME) throw new AppError('validation_failed', `name must have at most ${MAX_STACK_NAME} characters`);
  return trimmed;
}

async function withNotes(tx: UserTx, userId: string, id: string): Promise<StackWithNotes> {
  const stack = await repo.getStack(tx, userId, id);
  if (!stack) throw notFound('stack');
  return { ...stack, notes: await repo.stackNoteRows(tx, userId, id) };
}

/** Stacks: named, pinnable, ordered collections of notes; a note can be in many. */
export class StacksService {
  constructor(private readonly db: Database) {}

  /** Pinned stacks first, then the most recently changed. */
  list(userId: string): Promise<StackRow[]> {
    return asUser(this.db, userId, (tx) => repo.listStacks(tx, userId));
  }

  /** Makes an empty stack. */
  create(userId: string, name: string, pinned = false): Promise<StackRow> {
    const clean = checkName(name);
    return asUser(this.db, userId, async (tx) => {
      const id = await repo.insertStack(tx, userId, clean, pinned);
      return (await repo.getStack(tx, userId, id))!;
    });
  }

  /** One stack with its notes in order. */
  get(userId: string, id: string): Promise<StackWithNotes> {
    return asUser(this.db, userId, (tx) => withNotes(tx, userId, id));
  }

  /** Renames or (un)pins a stack. */
  async update(userId: string, id: string, patch: { name?: string; pinned?: boolean }): Promise<StackRow> {
    const changes = { ...(patch.name !== undefined && { name: checkName(patch.name) }), ...(patch.pinned !== undefined && { pinned: patch.pinned }) };
    const stack = await asUser(this.db, userId, async (tx) => {
      if (Object.keys(changes).length > 0 && !(await repo.updateStack(tx, userId, id, changes))) return null;
      return repo.getStack(tx, userId, id);
    });
    if (!stack) throw notFound('stack');
    return stack;
  }

  /** Deletes a stack; its notes stay where they are. */
  async delete(userId: string, id: string): Promise<void> {
    if (!(await asUser(this.db, userId, (tx) => repo.deleteStack(tx, userId, id)))) throw notFound('stack');
  }

  /** Sets the stack's notes and their order in one step: all of them apply, or (on any unknown note) none. */
  setNotes(userId: string, id: string, noteIds: readonly string[]): Promise<StackWithNotes> {
    const ids = noteIds.map((n) => n.toLowerCase());
    if (new Set(ids).size !== ids.length) throw new AppError('validation_failed', 'noteIds must not repeat a note');
    if (ids.length > MAX_STACK_NOTES) throw new AppError('validation_failed', `a stack holds at most ${MAX_STACK_NOTES} notes`);
    return asUser(this.db, userId, async (tx) => {
      if (!(await repo.lockStack(tx, userId, id))) throw notFound('stack');
      if ((await repo.liveNoteIds(tx, userId, ids)).length !== ids.length) throw notFound('note');
      await repo.setStackNotes(tx, userId, id, ids);
      await repo.touchStack(tx, userId, id);
      return withNotes(tx, userId, id);
    });
  }

  /** Puts one note at the end of the stack. */
  addNote(userId: string, id: string, noteId: string): Promise<StackWithNotes> {
    return asUser(this.db, userId, async (tx) => {
      if (!(await repo.lockStack(tx, userId, id))) throw notFound('stack');
      if ((await repo.liveNoteIds(tx, userId, [noteId])).length === 0) throw notFound('note');
      if ((await repo.getStack(tx, userId, id))!.noteCount >= MAX_STACK_NOTES) {
        throw new AppError('validation_failed', `a stack holds at most ${MAX_STACK_NOTES} notes`);
      }
      if (!(await repo.appendStackNote(tx, userId, id, noteId))) throw new AppError('conflict', 'the note is already in this stack');
      await repo.touchStack(tx, userId, id);
      return withNotes(tx, userId, id);
    });
  }

  /** Takes one note out of the stack (the note itself stays). */
  removeNote(userId: string, id: string, noteId: string): Promise<void> {
    return asUser(this.db, userId, async (tx) => {
      if (!(await repo.lockStack(tx, userId, id))) throw notFound('stack');
      if (!(await repo.removeStackNote(tx, userId, id, noteId))) throw notFound('note in this stack');
      await repo.touchStack(tx, userId, id);
    });
  }
}
