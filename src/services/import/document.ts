import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../errors.ts';

// The per-user export document: one self-describing JSON file, checked with zod and a checksum
// before anything is written (docs/operations.md describes it).

/** The format's name, written first in every document. */
export const EXPORT_FORMAT = 'mindstorm-export';
/** The document format's version (not the database's): bumped when a field changes meaning. */
export const EXPORT_VERSION = 1;

const uuid = z.uuid();
// Timestamps to the microsecond (JavaScript dates stop at milliseconds): 2024-01-31T12:00:00.123456Z
const stamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/, 'must be an ISO 8601 UTC timestamp');
const noNul = z.string().refine((v) => !v.includes('\u0000'), 'must not contain NUL characters');

/** A cluster: its name and whether the user chose it (centroids are derived and made again). */
export const exportedCluster = z.strictObject({
  id: uuid,
  name: noNul.min(1),
  userNamed: z.boolean(),
  terms: z.array(noNul),
  createdAt: stamp,
  updatedAt: stamp,
});

/** A note, trashed ones included and flagged (embeddings are made again on import). */
export const exportedNote = z.strictObject({
  id: uuid,
  content: noNul,
  tags: z.array(noNul),
  clusterId: uuid.nullable(),
  clusterPinned: z.boolean(),
  createdAt: stamp,
  updatedAt: stamp,
  trashed: z.boolean(),
  deletedAt: stamp.nullable(),
});

/** A stack with its notes in order. */
export const exportedStack = z.strictObject({
  id: uuid,
  name: noNul.min(1),
  pinned: z.boolean(),
  createdAt: stamp,
  updatedAt: stamp,
  noteIds: z.array(uuid),
});

/** A weekly insight as written. */
export const exportedInsight = z.strictObject({
  id: uuid,
  title: noNul,
  content: noNul,
  weekStart: stamp,
  weekEnd: stamp,
  createdAt: stamp,
});

/** A vault record, opaque ciphertext bound to the user and note ids (docs/vault.md). */
export const exportedVaultNote = z.strictObject({
  id: uuid,
  ciphertext: noNul,
  iv: noNul,
  salt: noNul,
  createdAt: stamp,
  updatedAt: stamp,
  deletedAt: stamp.nullable(),
});

/** The vault header (the wrapped key), opaque to the server. */
export const exportedVaultKey = z.strictObject({
  wrappedKey: noNul,
  kdf: z.record(z.string(), z.unknown()),
  createdAt: stamp,
  updatedAt: stamp,
});

const counts = z.strictObject({
  clusters: z.number().int().min(0),
  notes: z.number().int().min(0),
  stacks: z.number().int().min(0),
  insights: z.number().int().min(0),
  vaultNotes: z.number().int().min(0),
});

/** The whole document, in the order the writer streams it (checksum last: a truncated file has none). */
export const exportDocument = z
  .strictObject({
    format: z.literal(EXPORT_FORMAT),
    version: z.literal(EXPORT_VERSION),
    schemaVersion: z.number().int().min(1).describe('the database migration the exporting instance was at'),
    exportedAt: stamp,
    user: z.strictObject({
      id: uuid.describe("the exporting account's id: vault records are bound to it (docs/vault.md)"),
      email: z.string(),
      createdAt: stamp,
      settings: z.strictObject({ timeZone: z.string() }),
    }),
    clusters: z.array(exportedCluster),
    notes: z.array(exportedNote),
    stacks: z.array(exportedStack),
    insights: z.array(exportedInsight),
    vault: z.strictObject({ key: exportedVaultKey.nullable(), notes: z.array(exportedVaultNote) }),
    counts,
    checksum: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  })
  .meta({ id: 'ExportDocument', description: 'Everything of one user: notes (trash included), clusters, stacks, insights, vault ciphertext' });

export type ExportDocument = z.infer<typeof exportDocument>;
export type ExportedNote = z.infer<typeof exportedNote>;
export type ExportedCluster = z.infer<typeof exportedCluster>;
export type ExportedStack = z.infer<typeof exportedStack>;
export type ExportedInsight = z.infer<typeof exportedInsight>;
export type ExportedVaultNote = z.infer<typeof exportedVaultNote>;
export type ExportedVaultKey = z.infer<typeof exportedVaultKey>;

/** JSON with keys sorted at every level: the checksum survives re-indenting and key reordering. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The running checksum of a document: fed its parts in order by the writer and by the checker alike. */
export class DocumentHash {
  private readonly hash = createHash('sha256');
  /** Adds one part (the header, one item, the counts) under its section's name. */
  add(section: string, value: unknown): void {
    this.hash.update(`${section}\n${canonical(value)}\n`);
  }
  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

/** The header fields, as hashed (everything before the first list). */
export const headerOf = (d: Pick<ExportDocument, 'format' | 'version' | 'schemaVersion' | 'exportedAt' | 'user'>) => ({
  format: d.format,
  version: d.version,
  schemaVersion: d.schemaVersion,
  exportedAt: d.exportedAt,
  user: d.user,
});

function checksumOf(d: ExportDocument): string {
  const h = new DocumentHash();
  h.add('header', headerOf(d));
  for (const c of d.clusters) h.add('clusters', c);
  for (const n of d.notes) h.add('notes', n);
  for (const s of d.stacks) h.add('stacks', s);
  for (const i of d.insights) h.add('insights', i);
  h.add('vault.key', d.vault.key);
  for (const v of d.vault.notes) h.add('vault.notes', v);
  h.add('counts', d.counts);
  return h.digest();
}

function duplicate(ids: string[]): string | undefined {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}

const refuse = (why: string) => new AppError('validation_failed', `not a valid MindStorm export: ${why}`);

/**
 * Checks what zod cannot: the checksum (a corrupted document), the counts (a truncated one), ids
 * unique per kind, and every reference (a note's cluster, a stack's notes) inside the document.
 */
export function checkDocument(d: ExportDocument, currentSchemaVersion: number): void {
  if (checksumOf(d) !== d.checksum) throw refuse('the checksum does not match its contents (the file was changed or damaged)');
  const { counts: c } = d;
  if (c.clusters !== d.clusters.length || c.notes !== d.notes.length || c.stacks !== d.stacks.length || c.insights !== d.insights.length || c.vaultNotes !== d.vault.notes.length) {
    throw refuse('the counts do not match the lists (the file is incomplete)');
  }
  if (d.schemaVersion > currentSchemaVersion) {
    throw refuse(`it was made by a newer MindStorm (database version ${d.schemaVersion}, this one has ${currentSchemaVersion}); upgrade first`);
  }
  for (const [kind, ids] of [
    ['cluster', d.clusters.map((x) => x.id)],
    ['note', d.notes.map((x) => x.id)],
    ['stack', d.stacks.map((x) => x.id)],
    ['insight', d.insights.map((x) => x.id)],
    ['vault note', d.vault.notes.map((x) => x.id)],
  ] as const) {
    const dup = duplicate(ids);
    if (dup) throw refuse(`${kind} ${dup} appears twice`);
  }
  const clusters = new Set(d.clusters.map((x) => x.id));
  const notes = new Set(d.notes.map((x) => x.id));
  for (const n of d.notes) {
    if (n.clusterId && !clusters.has(n.clusterId)) throw refuse(`note ${n.id} names cluster ${n.clusterId}, which the file does not hold`);
    if (n.trashed !== (n.deletedAt !== null)) throw refuse(`note ${n.id} is flagged trashed=${n.trashed} but its deletedAt says otherwise`);
  }
  for (const s of d.stacks) {
    const missing = s.noteIds.find((id) => !notes.has(id));
    if (missing) throw refuse(`stack ${s.id} holds note ${missing}, which the file does not hold`);
    const dup = duplicate(s.noteIds);
    if (dup) throw refuse(`stack ${s.id} holds note ${dup} twice`);
  }
}

/** Parses and checks a document from JSON text (the command line); every refusal is one line. */
export function parseDocumentText(text: string, currentSchemaVersion: number): ExportDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw refuse('the file is not complete JSON (truncated or damaged)');
  }
  return parseDocument(raw, currentSchemaVersion);
}

/** Validates a parsed value against the schema, then checkDocument. */
export function parseDocument(raw: unknown, currentSchemaVersion: number): ExportDocument {
  const looksLike = raw && typeof raw === 'object' && (raw as { format?: unknown }).format === EXPORT_FORMAT;
  const parsed = exportDocument.safeParse(raw);
  if (!parsed.success) {
    if (!looksLike) throw refuse(`the file does not start like one (no "format": "${EXPORT_FORMAT}")`);
    const issue = parsed.error.issues[0]!;
    throw refuse(`${issue.path.join('.') || 'document'}: ${issue.message}`);
  }
  checkDocument(parsed.data, currentSchemaVersion);
  return parsed.data;
}
