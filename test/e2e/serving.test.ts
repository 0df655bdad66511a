// How the server hands out the web app: precompressed files chosen by Accept-Encoding, a year of
// caching for hashed assets and revalidation for the page, the CSP, the single-page-app fallback,
// and the API alone (with a clear log line) when there is no build.
import Fastify from 'fastify';
import pino from 'pino';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/types.ts';
import { CONTENT_SECURITY_POLICY, registerWeb, WEB_DIST } from '../../src/server/web.ts';
import type { TestServer } from '../helpers/server.ts';
import { startAppServer } from './helpers.ts';

describe('serving the web app', () => {
  let server: TestServer;
  let script: string;
  let style: string;

  beforeAll(async () => {
    server = await startAppServer();
    const assets = readdirSync(join(WEB_DIST, 'assets'));
    script = assets.find((f) => /^index-.*\.js$/.test(f))!;
    style = assets.find((f) => /^index-.*\.css$/.test(f))!;
  }, 180_000);
  afterAll(() => server?.close());

  const get = (path: string, encoding?: string) => fetch(server.url + path, { headers: encoding ? { 'accept-encoding': encoding } : {} });

  it('sends the page brotli- or gzip-compressed, revalidated on every load, under a strict CSP', async () => {
    const raw = readFileSync(join(WEB_DIST, 'index.html'));
    for (const [asked, sent] of [['br, gzip', 'br'], ['gzip', 'gzip']] as const) {
      const res = await get('/', asked);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe(sent);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      // fetch decodes it: the body is the page itself
      expect(Buffer.from(await res.arrayBuffer()).equals(raw)).toBe(true);
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });

  it('keeps hashed assets for a year, compressed, and serves them plain to clients that ask for nothing', async () => {
    for (const file of [script, style]) {
      const raw = readFileSync(join(WEB_DIST, 'assets', file));
      const br = await fetch(`${server.url}/assets/${file}`, { headers: { 'accept-encoding': 'br' } });
      expect(br.headers.get('content-encoding')).toBe('br');
      expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(Number(br.headers.get('content-length'))).toBeLessThan(raw.length / 2);
      const plain = await fetch(`${server.url}/assets/${file}`, { headers: { 'accept-encoding': 'identity' } });
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(Number(plain.headers.get('content-length'))).toBe(raw.length);
    }
    // the files on disk are what was sent: decompress them by hand
    const raw = readFileSync(join(WEB_DIST, 'assets', script));
    expect(brotliDecompressSync(readFileSync(join(WEB_DIST, 'assets', `${script}.br`))).equals(raw)).toBe(true);
    expect(gunzipSync(readFileSync(join(WEB_DIST, 'assets', `${script}.gz`))).equals(raw)).toBe(true);
  });

  it('answers 304 to a page it has sent before', async () => {
    const first = await get('/', 'br');
    const etag = first.headers.get('etag')!;
    expect(etag).toBeTruthy();
    // (not fetch: with a conditional header it adds cache-control: no-cache, which rightly forbids a 304)
    const again = await server.app.inject({ url: '/', headers: { 'accept-encoding': 'br', 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
  });

  it("sends the app for the app's own paths, and never for the API or missing files", async () => {
    for (const path of ['/notes/8b7c7d7e-0000-4000-8000-000000000000', '/search?q=x', '/vault', '/settings']) {
      const res = await get(path, 'gzip');
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain('<div id="root">');
    }
    const api = await get('/api/no-such-thing');
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await get('/assets/missing-123.js')).status).toBe(404);
    expect((await get('/healthz')).status).toBe(200);
    const doc = await (await get('/api/openapi.json')).json();
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/api/') && !['/healthz', '/readyz', '/metrics'].includes(p))).toEqual([]);
  });

  it('runs the API alone, and says so, when the web app was not built', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = Fastify({ loggerInstance: pino({ level: 'info' }, sink) }) as unknown as App;
    await registerWeb(app, mkdtempSync(join(tmpdir(), 'mindstorm-no-web-')));
    app.get('/api/ping', async () => ({ ok: true }));
    expect((await app.inject('/api/ping')).statusCode).toBe(200);
    expect((await app.inject('/')).statusCode).toBe(404);
    expect(lines.join('')).toContain('web app not built');
    expect(lines.join('')).toContain('serving the API only');
    await app.close();
  });
});
