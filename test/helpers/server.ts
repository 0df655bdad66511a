import pino from 'pino';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.ts';
import { buildApp, type AppDeps } from '../../src/server/app.ts';
import type { App } from '../../src/server/types.ts';
import { scratchDatabase, type BackendName, type Scratch } from './databases.ts';

/** A real server on a random port over a fresh database, with its log lines kept for inspection. */
export interface TestServer {
  url: string;
  app: App;
  scratch: Scratch;
  logs: string[];
  close(): Promise<void>;
}

export async function startTestServer(backend: BackendName, deps: Partial<AppDeps> = {}): Promise<TestServer> {
  const scratch = await scratchDatabase(backend);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'info' });
  const app = await buildApp({ db: scratch.db, config, logger: pino({ level: 'info' }, sink), ...deps });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    scratch,
    logs,
    close: async () => {
      await app.close();
      await scratch.drop();
    },
  };
}

/** One HTTP answer, its body parsed when it is JSON. */
export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small client for the API, as a script would use it. */
export function client(base: string, token?: string) {
  const request = async <T = any>(
    method: string,
    path: string,
    opts: { body?: unknown; raw?: string | Buffer; headers?: Record<string, string>; token?: string | null } = {},
  ): Promise<Answer<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    const bearer = opts.token === undefined ? token : opts.token;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let body: string | Buffer | undefined;
    if (opts.raw !== undefined) {
      body = opts.raw;
      headers['content-type'] ??= 'application/json';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(base + path, { method, headers, body: body as BodyInit | undefined });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  return {
    request,
    get: <T = any>(path: string, o?: Parameters<typeof request>[2]) => request<T>('GET', path, o),
    post: <T = any>(path: string, body?: unknown, o?: Parameters<typeof request>[2]) => request<T>('POST', path, { ...o, body }),
    patch: <T = any>(path: string, body?: unknown, o?: Parameters<typeof request>[2]) => request<T>('PATCH', path, { ...o, body }),
    put: <T = any>(path: string, body?: unknown, o?: Parameters<typeof request>[2]) => request<T>('PUT', path, { ...o, body }),
    del: <T = any>(path: string, body?: unknown, o?: Parameters<typeof request>[2]) => request<T>('DELETE', path, { ...o, body }),
  };
}

export type Client = ReturnType<typeof client>;

let counter = 0;
/** Signs up a new user; returns their client (bearer session token) and identity. */
export async function signUp(base: string, password = 'a long enough password') {
  const email = `user${++counter}-${Date.now()}@example.com`;
  const res = await client(base).post('/api/auth/signup', { email, password });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { email, password, token: res.body.token as string, id: res.body.user.id as string, api: client(base, res.body.token) };
}
