// The web app's build: React via esbuild's automatic JSX (no plugin, so no install script and no Babel),
// the vault module imported from ../src/vault, and every text asset precompressed (gzip + brotli)
// so the server can send .br/.gz files as they are (`preCompressed` in src/server/web.ts).
import { defineConfig, type Plugin } from 'vite';
import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const here = fileURLToPath(new URL('.', import.meta.url));
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map|wasm)$/;

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

/** Writes file.gz and file.br beside every text asset worth compressing (over 512 bytes and smaller once compressed). */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'mindstorm-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      for (const file of walk(outDir)) {
        if (!COMPRESSIBLE.test(file)) continue;
        const raw = readFileSync(file);
        if (raw.length < 512) continue;
        const gz = gzipSync(raw, { level: 9 });
        const br = brotliCompressSync(raw, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
        });
        if (gz.length < raw.length) writeFileSync(`${file}.gz`, gz);
        if (br.length < raw.length) writeFileSync(`${file}.br`, br);
      }
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  publicDir: join(here, 'public'),
  resolve: { alias: { '@vault': fileURLToPath(new URL('../src/vault/index.ts', import.meta.url)) } },
  esbuild: { jsx: 'automatic', legalComments: 'none' },
  worker: { format: 'es' },
  plugins: [precompress()],
  build: {
    outDir: join(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false }, // the polyfill would be an inline script, which the CSP forbids
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return; // "use client" in libraries: meaningless here
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:3000', '/healthz': 'http://127.0.0.1:3000' },
    fs: { allow: [join(here, '..')] },
  },
});
