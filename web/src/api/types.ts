// The API's shapes as the web app reads them (see /api/openapi.json for the full reference).

export interface User {
  id: string;
  email: string;
  createdAt: string;
}

export interface Note {
  id: string;
  content: string;
  tags: string[];
  clusterId: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TagCount {
  tag: string;
  count: number;
}

export type SearchMode = 'hybrid' | 'semantic' | 'fulltext';

export interface SearchResult {
  note: Note;
  score: number;
  /** HTML-escaped text whose only elements are <mark>; checked before rendering (lib/snippet.ts). */
  snippet: string;
}

export interface Similar {
  items: { note: Note; similarity: number }[];
  pending?: boolean;
}

export interface Cluster {
  id: string;
  name: string;
  noteCount: number;
  userNamed?: boolean;
  terms?: string[];
  createdAt: string;
}

export interface MapPoint {
  noteId: string;
  x: number;
  y: number;
  clusterId: string | null;
}

export interface Stack {
  id: string;
  name: string;
  pinned: boolean;
  noteCount: number;
  createdAt?: string;
  updatedAt?: string;
}

export interface StackWithNotes extends Stack {
  notes: Note[];
}

export interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface VaultEnvelopeBody {
  wrappedKey: string;
  kdf: Record<string, unknown>;
  createdAt?: string;
  updatedAt?: string;
}

export interface VaultNoteBody {
  id: string;
  ciphertext: string;
  iv: string;
  salt: string;
  createdAt: string;
  updatedAt: string;
}

export interface Insight {
  id: string;
  title: string;
  content: string;
  weekStart: string;
  weekEnd: string;
  createdAt?: string;
}

export interface Settings {
  timeZone: string;
}

export interface ReclusterSummary {
  notes?: number;
  clusters?: number;
  ms?: number;
}
