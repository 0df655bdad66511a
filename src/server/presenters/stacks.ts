import type { StackRow } from '../../db/repos/stacks.repo.ts';
import type { StackWithNotes } from '../../services/stacks.service.ts';
import { presentNote } from '../presenters.ts';

/** A stack as the API shows it (field by field: a new column never leaks by accident). */
export const presentStack = (s: StackRow) => ({
  id: s.id,
  name: s.name,
  pinned: s.pinned,
  noteCount: s.noteCount,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

/** A stack with its live notes in order. */
export const presentStackWithNotes = (s: StackWithNotes) => ({ ...presentStack(s), notes: s.notes.map(presentNote) });
