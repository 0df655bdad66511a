import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from './types.ts';

/** Where `vite build` writes the web app (web/vite.config.ts). */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * The policy of every page: scripts only from this origin, plus WebAssembly compilation for the
 * vault's Argon2id (hash-wasm); styles only from files; no plugins, frames or foreign forms.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

// Files under assets/ carry a content hash in their name: they never change, so browsers keep them a
// year. Everything else (index.html, favicon) is revalidated on every load (cheap: ETag, 304).
function setHeaders(res: { setHeader(name: string, value: string): unknown }, path: string): void {
  const hashed = path.includes(`${sep}assets${sep}`);
  res.setHeader('cache-control', hashed ? IMMUTABLE : REVALIDATE);
  res.setHeader('vary', 'accept-encoding');
  res.setHeader('x-content-type-options', 'nosniff');
  if (/\.html(\.(br|gz))?$/.test(basename(path)) || /\.js(\.(br|gz))?$/.test(basename(path))) {
    // on the page, and on scripts too: a Web Worker gets its policy from its own script's answer
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('referrer-policy', 'no-referrer');
  }
}

/** Paths the single-page app owns: not the API, not probes, not files (which have a dot in their last segment). */
const isAppPath = (url: string) => {
  const path = url.split('?')[0]!;
  return !path.startsWith('/api/') && path !== '/api' && !/\/[^/]*\.[^/]*$/.test(path);
};

/**
 * Serves the web app from web/dist: precompressed files (.br/.gz written at build time) chosen by
 * Accept-Encoding, long cache headers for hashed assets, and index.html for every app path (the SPA
 * fallback). Without a build, the server runs the API alone and says so.
 */
export async function registerWeb(app: App, distDir = WEB_DIST): Promise<void> {
  if (!existsSync(join(distDir, 'index.html'))) {
    app.log.warn({ distDir }, 'web app not built (web/dist is missing): serving the API only; run `npm run build:web`');
    return;
  }
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: distDir,
      prefix: '/',
      wildcard: false, // one route per file; the app's own paths fall through to the SPA route below
      preCompressed: true,
      cacheControl: false, // set by setHeaders, per file
      etag: true,
      lastModified: true,
      index: ['index.html'],
      serveDotFiles: false,
      globIgnore: ['**/.*', '**/*.br', '**/*.gz'], // compressed twins are found by preCompressed, not routed
      setHeaders,
    });
    scope.get('/*', { schema: { hide: true } }, (req, reply) => {
      if (!isAppPath(req.url)) return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  });
}
