import type { NoteRow } from '../db/repos/notes.repo.ts';
import type { TokenRow } from '../db/repos/tokens.repo.ts';
import type { UserRow } from '../db/repos/users.repo.ts';

// Rows become answers here, field by field: a new column never leaks into the API by accident.

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A user as the API shows it. */
export const presentUser = (u: UserRow) => ({ id: u.id, email: u.email, createdAt: u.createdAt.toISOString() });

/** A note as the API shows it. */
export const presentNote = (n: NoteRow) => ({
  id: n.id,
  content: n.content,
  tags: n.tags,
  clusterId: n.clusterId,
  createdAt: n.createdAt.toISOString(),
  updatedAt: n.updatedAt.toISOString(),
  deletedAt: iso(n.deletedAt),
});

/** A personal API token as listed (never the token itself). */
export const presentToken = (t: TokenRow) => ({
  id: t.id,
  name: t.name ?? '',
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: iso(t.lastUsedAt),
});
