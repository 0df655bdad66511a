import { boolean, customType, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uuid, vector } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

// The tables as the migrations leave them (src/db/migrations is the source of truth; this file
// gives queries their types). Field names follow the guide, columns are snake_case.

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const clusters = pgTable('clusters', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  userId: uuid('user_id').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  userNamed: boolean('user_named').notNull().default(false),
  centroid: bytea('centroid'),
  terms: text('terms').array().notNull().default([]),
  mapX: real('map_x'),
  mapY: real('map_y'),
});

export const notes = pgTable('notes', {
  id: uuid('id').primaryKey().defaultRandom(),
  content: text('content').notNull(),
  tags: text('tags').array().notNull().default([]),
  embedding: vector('embedding', { dimensions: 1536 }),
  embeddingModel: text('embedding_model'),
  userId: uuid('user_id').notNull(),
  clusterId: uuid('cluster_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  deletedAt: ts('deleted_at'),
  clusterPinned: boolean('cluster_pinned').notNull().default(false),
});

export const stacks = pgTable('stacks', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  pinned: boolean('pinned').notNull().default(false),
  userId: uuid('user_id').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const insights = pgTable('insights', {
  id: uuid('id').primaryKey().defaultRandom(),
  title: text('title').notNull(),
  content: text('content').notNull(),
  weekStart: ts('week_start').notNull(),
  weekEnd: ts('week_end').notNull(),
  userId: uuid('user_id').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const vaultNotes = pgTable('vault_notes', {
  id: uuid('id').primaryKey().defaultRandom(),
  ciphertext: text('ciphertext').notNull(),
  iv: text('iv').notNull(),
  salt: text('salt').notNull(),
  userId: uuid('user_id').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  deletedAt: ts('deleted_at'),
});

export const authTokens = pgTable('auth_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull(),
  kind: text('kind', { enum: ['session', 'api'] }).notNull(),
  name: text('name'),
  tokenHash: bytea('token_hash').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  expiresAt: ts('expires_at'),
  lastUsedAt: ts('last_used_at'),
});

export const stackNotes = pgTable(
  'stack_notes',
  {
    stackId: uuid('stack_id').notNull(),
    noteId: uuid('note_id').notNull(),
    userId: uuid('user_id').notNull(),
    position: integer('position').notNull(),
    addedAt: ts('added_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.stackId, t.noteId] })],
);

export const vaultKeys = pgTable('vault_keys', {
  userId: uuid('user_id').primaryKey(),
  wrappedKey: text('wrapped_key').notNull(),
  kdf: jsonb('kdf').$type<Record<string, unknown>>().notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const clusterModels = pgTable('cluster_models', {
  userId: uuid('user_id').primaryKey(),
  model: bytea('model').notNull(),
  threshold: real('threshold').notNull(),
  embeddingModel: text('embedding_model'),
  noteCount: integer('note_count').notNull(),
  fittedAt: ts('fitted_at').notNull().defaultNow(),
});

export const notePlacements = pgTable('note_placements', {
  noteId: uuid('note_id').primaryKey(),
  userId: uuid('user_id').notNull(),
  mapX: real('map_x'),
  mapY: real('map_y'),
  placedAt: ts('placed_at').notNull(),
});

// v1.8 (0009): users also have time_zone text NOT NULL DEFAULT 'UTC' (read through settings.repo).
export const jobRuns = pgTable('job_runs', {
  id: integer('id').primaryKey(),
  job: text('job').notNull(),
  slot: text('slot').notNull(),
  status: text('status', { enum: ['running', 'succeeded', 'retrying', 'failed'] }).notNull(),
  attempts: integer('attempts').notNull().default(1),
  startedAt: ts('started_at').notNull(),
  finishedAt: ts('finished_at'),
  nextAttemptAt: ts('next_attempt_at'),
  rowsAffected: integer('rows_affected'),
  error: text('error'),
  instance: text('instance').notNull(),
});
