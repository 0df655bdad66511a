// The one HTTP client of the web app: same-origin JSON requests carrying the session cookie,
// errors turned into ApiError with the API's stable code.
import type {
  ApiToken, Cluster, Insight, MapPoint, Note, Page, ReclusterSummary, SearchMode, SearchResult, Settings,
  Similar, Stack, StackWithNotes, TagCount, User, VaultEnvelopeBody, VaultNoteBody,
} from './types.ts';

/** A failed request: `status` 0 means the network failed (offline, server down). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Whether trying again later may succeed (network, overload, server error). */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** True when an endpoint is not on this server (yet): the UI hides or explains the feature. */
export const isMissing = (err: unknown): boolean => err instanceof ApiError && err.status === 404 && err.code === 'not_found' && /no route/i.test(err.message);

type Query = Record<string, string | number | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `The server answered ${res.status}.`);
  }
  return data as T;
}

const get = <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', withQuery(path, query), undefined, signal);
const enc = encodeURIComponent;

/** Progress of a transfer: `total` is null when the size is unknown. */
export type Progress = (done: number, total: number | null) => void;

/** Downloads a body with progress (fetch streams it). */
async function download(path: string, onProgress: Progress): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection.');
  }
  if (!res.ok) {
    const data = await res.json().catch(() => undefined);
    throw new ApiError(res.status, data?.error?.code ?? `http_${res.status}`, data?.error?.message ?? `The server answered ${res.status}.`);
  }
  const total = Number(res.headers.get('content-length')) || null;
  const type = res.headers.get('content-type') ?? 'application/json';
  if (!res.body) return new Blob([await res.arrayBuffer()], { type });
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let done = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    chunks.push(r.value);
    done += r.value.length;
    onProgress(done, total);
  }
  return new Blob(chunks as BlobPart[], { type });
}

/** Uploads a body with progress (XMLHttpRequest: fetch has no upload progress). */
function upload<T>(path: string, body: Blob, onProgress: Progress): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = false; // same origin: the cookie goes anyway
    xhr.setRequestHeader('content-type', 'application/json');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : null);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The server cannot be reached. Check your connection.'));
    xhr.onload = () => {
      let data: any;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as T);
      else reject(new ApiError(xhr.status, data?.error?.code ?? `http_${xhr.status}`, data?.error?.message ?? `The server answered ${xhr.status}.`));
    };
    xhr.send(body);
  });
}

export interface NoteFilters {
  tag?: string;
  clusterId?: string;
  from?: string;
  to?: string;
}

/** Every endpoint the web app uses, one function each. */
export const api = {
  auth: {
    signUp: (email: string, password: string) => request<{ user: User }>('POST', '/api/auth/signup', { email, password }),
    signIn: (email: string, password: string) => request<{ user: User }>('POST', '/api/auth/login', { email, password }),
    signOut: () => request<void>('POST', '/api/auth/logout'),
  },
  me: {
    get: () => get<User>('/api/me'),
    delete: (password: string) => request<void>('DELETE', '/api/me', { password }),
    changePassword: (currentPassword: string, newPassword: string) => request<void>('POST', '/api/me/password', { currentPassword, newPassword }),
    settings: () => get<Settings>('/api/me/settings'),
    updateSettings: (patch: Partial<Settings>) => request<Settings>('PATCH', '/api/me/settings', patch),
  },
  tokens: {
    list: () => get<{ items: ApiToken[] }>('/api/tokens'),
    create: (name: string) => request<ApiToken & { token: string }>('POST', '/api/tokens', { name }),
    revoke: (id: string) => request<void>('DELETE', `/api/tokens/${enc(id)}`),
  },
  notes: {
    list: (filters: NoteFilters, cursor?: string | null, limit = 20) => get<Page<Note>>('/api/notes', { ...filters, cursor, limit }),
    get: (id: string) => get<Note>(`/api/notes/${enc(id)}`),
    create: (content: string, tags: string[]) => request<Note>('POST', '/api/notes', { content, tags }),
    update: (id: string, patch: { content?: string; tags?: string[]; clusterId?: string | null }) => request<Note>('PATCH', `/api/notes/${enc(id)}`, patch),
    trash: (id: string) => request<void>('DELETE', `/api/notes/${enc(id)}`),
    restore: (id: string) => request<Note>('POST', `/api/notes/${enc(id)}/restore`),
    similar: (id: string, limit = 8) => get<Similar>(`/api/notes/${enc(id)}/similar`, { limit }),
  },
  trash: {
    list: () => get<{ items: Note[] }>('/api/trash'),
    empty: () => request<{ deleted: number }>('DELETE', '/api/trash'),
  },
  tags: () => get<{ items: TagCount[] }>('/api/tags'),
  search: (q: string, mode: SearchMode, signal?: AbortSignal) => get<{ items: SearchResult[] }>('/api/search', { q, mode, limit: 20 }, signal),
  clusters: {
    list: () => get<{ items: Cluster[] }>('/api/clusters'),
    map: () => get<{ points: MapPoint[] }>('/api/clusters/map'),
    rename: (id: string, name: string) => request<Cluster>('PATCH', `/api/clusters/${enc(id)}`, { name }),
    merge: (id: string, into: string) => request<Cluster>('POST', `/api/clusters/${enc(id)}/merge`, { into }),
    recluster: () => request<ReclusterSummary>('POST', '/api/clusters/recluster'),
  },
  stacks: {
    list: () => get<{ items: Stack[] }>('/api/stacks'),
    get: (id: string) => get<StackWithNotes>(`/api/stacks/${enc(id)}`),
    create: (name: string, pinned = false) => request<Stack>('POST', '/api/stacks', { name, pinned }),
    update: (id: string, patch: { name?: string; pinned?: boolean }) => request<Stack>('PATCH', `/api/stacks/${enc(id)}`, patch),
    delete: (id: string) => request<void>('DELETE', `/api/stacks/${enc(id)}`),
    setNotes: (id: string, noteIds: string[]) => request<StackWithNotes>('PUT', `/api/stacks/${enc(id)}/notes`, { noteIds }),
    addNote: (id: string, noteId: string) => request<StackWithNotes>('POST', `/api/stacks/${enc(id)}/notes`, { noteId }),
    removeNote: (id: string, noteId: string) => request<void>('DELETE', `/api/stacks/${enc(id)}/notes/${enc(noteId)}`),
  },
  vault: {
    getKey: () => get<VaultEnvelopeBody>('/api/vault/key'),
    putKey: (envelope: { wrappedKey: string; kdf: unknown }) => request<VaultEnvelopeBody>('PUT', '/api/vault/key', envelope),
    list: (cursor?: string | null) => get<Page<VaultNoteBody>>('/api/vault/notes', { cursor, limit: 100 }),
    get: (id: string) => get<VaultNoteBody>(`/api/vault/notes/${enc(id)}`),
    create: (id: string, record: { ciphertext: string; iv: string; salt: string }) => request<VaultNoteBody>('POST', '/api/vault/notes', { id, ...record }),
    replace: (id: string, record: { ciphertext: string; iv: string; salt: string }) => request<VaultNoteBody>('PUT', `/api/vault/notes/${enc(id)}`, record),
    delete: (id: string) => request<void>('DELETE', `/api/vault/notes/${enc(id)}`),
  },
  insights: {
    list: () => get<{ items: Insight[] }>('/api/insights'),
    generate: (weekStart?: string) => request<Insight>('POST', '/api/insights/generate', weekStart ? { weekStart } : {}),
  },
  exportAll: (onProgress: Progress) => download('/api/export', onProgress),
  importAll: (file: Blob, onProgress: Progress) => upload<Record<string, unknown>>('/api/import', file, onProgress),
};
