import { randomUUID } from 'node:crypto';
import type { UserTx } from '../../db/as-user.ts';
import * as repo from '../../db/repos/export.repo.ts';
import { AppError } from '../../errors.ts';
import type { ExportDocument } from './document.ts';

/** What an import wrote, and what it had to change. */
export interface ImportSummary {
  imported: { clusters: number; notes: number; stacks: number; insights: number; vaultNotes: number; vaultKey: boolean };
  /** Rows whose id was taken on this instance and that got a new one (references follow). */
  newIds: { clusters: number; notes: number; stacks: number; insights: number; vaultNotes: number };
  /** Rows left as they are because this very account still has them (an import into the exporting account). */
  alreadyPresent: { clusters: number; notes: number; stacks: number; insights: number; vaultNotes: number };
  /** Insights skipped because the account already has one for that week. */
  skippedInsights: number;
  warnings: string[];
}

const BATCH = 200;
const TZ = /^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/;

function validZone(zone: string): boolean {
  if (!TZ.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Where the document's rows went: their stored ids, and those the account already had (left as they are). */
interface Placed {
  ids: Map<string, string>;
  present: Set<string>;
}

/**
 * Inserts rows keeping each id when it is free and drawing a new one when it is taken (by any
 * user); with keepOwn, a row this account already has is left as it is (re-importing one's own
 * export restores what is missing, without copies).
 */
async function insertKeepingIds<T extends { id: string }>(
  tx: UserTx,
  userId: string,
  table: repo.ImportTable,
  rows: T[],
  progress: (n: number) => void,
  keepOwn: boolean,
): Promise<Placed> {
  const ids = new Map<string, string>();
  const present = new Set<string>();
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const own = keepOwn ? await repo.ownIds(tx, userId, table, batch.map((r) => r.id)) : new Set<string>();
    for (const id of own) {
      ids.set(id, id);
      present.add(id);
    }
    let pending = batch.filter((row) => !own.has(row.id)).map((row) => ({ from: row.id, row }));
    for (let attempt = 0; pending.length && attempt < 4; attempt++) {
      const inserted = await repo.insertRows(tx, userId, table, pending.map((p) => p.row));
      const next: typeof pending = [];
      for (const p of pending) {
        if (inserted.has(p.row.id)) ids.set(p.from, p.row.id);
        else next.push({ from: p.from, row: { ...p.row, id: randomUUID() } });
      }
      pending = next;
    }
    if (pending.length) throw new AppError('conflict', `could not store ${table} ${pending[0]!.from}: it conflicts with a row of this account`);
    progress(batch.length);
  }
  return { ids, present };
}

const changed = (p: Placed) => [...p.ids].filter(([a, b]) => a !== b).length;
const added = (p: Placed) => p.ids.size - p.present.size;

/** The number of rows a document import writes (for a progress bar). */
export const documentSize = (d: ExportDocument) => d.clusters.length + d.notes.length + d.stacks.length + d.insights.length + d.vault.notes.length;

/**
 * Writes a checked document into one account inside the caller's transaction (all or nothing):
 * ids kept where free, references remapped, settings applied, the vault header only when the
 * account has none (or the same one).
 */
export async function writeDocument(tx: UserTx, userId: string, d: ExportDocument, onProgress: (n: number) => void = () => undefined): Promise<ImportSummary> {
  const warnings: string[] = [];
  let done = 0;
  const progress = (n: number) => onProgress((done += n));

  const existingKey = await repo.exportVaultKey(tx, userId);
  if (d.vault.key && existingKey && existingKey.wrappedKey !== d.vault.key.wrappedKey) {
    throw new AppError('conflict', 'this account already has a vault with another key: importing would leave one of the two unreadable; delete its vault first');
  }
  if (validZone(d.user.settings.timeZone)) await repo.setTimeZone(tx, userId, d.user.settings.timeZone);
  else warnings.push(`time zone ${JSON.stringify(d.user.settings.timeZone)} is not known here; the account keeps its own`);

  const own = d.user.id === userId;
  const clusters = await insertKeepingIds(tx, userId, 'clusters', d.clusters, progress, own);
  const notes = await insertKeepingIds(
    tx,
    userId,
    'notes',
    d.notes.map((n) => ({ ...n, clusterId: n.clusterId ? clusters.ids.get(n.clusterId)! : null })),
    progress,
    own,
  );
  const stacks = await insertKeepingIds(tx, userId, 'stacks', d.stacks.map(({ noteIds: _, ...s }) => s), progress, own);
  for (const s of d.stacks) {
    if (!stacks.present.has(s.id)) await repo.insertStackNotes(tx, userId, stacks.ids.get(s.id)!, s.noteIds.map((id) => notes.ids.get(id)!));
  }

  const ownInsights = own ? await repo.ownIds(tx, userId, 'insights', d.insights.map((i) => i.id)) : new Set<string>();
  const candidates = d.insights.filter((i) => !ownInsights.has(i.id));
  const had = await repo.insightWeeks(tx, userId);
  const weeks = await repo.toMicros(tx, candidates.map((i) => i.weekStart));
  const fresh = candidates.filter((_, k) => !had.has(weeks[k]!) && (had.add(weeks[k]!), true));
  const insights = await insertKeepingIds(tx, userId, 'insights', fresh, progress, false);
  for (const id of ownInsights) {
    insights.present.add(id);
    insights.ids.set(id, id);
  }
  const skippedInsights = candidates.length - fresh.length;
  if (skippedInsights) warnings.push(`${skippedInsights} insight(s) skipped: the account already has one for that week`);

  const vaultKey = d.vault.key && !existingKey ? await repo.insertVaultKey(tx, userId, d.vault.key) : false;
  const vaultNotes = await insertKeepingIds(tx, userId, 'vault_notes', d.vault.notes, progress, own);

  // Vault records bind the user id and the note id in their associated data (docs/vault.md).
  if (d.vault.notes.length && !own) {
    warnings.push('the vault notes were encrypted for another account id: this account cannot open them until a client re-encrypts them (docs/operations.md)');
  }
  if (changed(vaultNotes)) warnings.push(`${changed(vaultNotes)} vault note(s) got a new id (theirs was taken) and cannot be decrypted under it`);

  return {
    imported: { clusters: added(clusters), notes: added(notes), stacks: added(stacks), insights: added(insights), vaultNotes: added(vaultNotes), vaultKey },
    newIds: { clusters: changed(clusters), notes: changed(notes), stacks: changed(stacks), insights: changed(insights), vaultNotes: changed(vaultNotes) },
    alreadyPresent: { clusters: clusters.present.size, notes: notes.present.size, stacks: stacks.present.size, insights: insights.present.size, vaultNotes: vaultNotes.present.size },
    skippedInsights,
    warnings,
  };
}
