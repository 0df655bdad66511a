#!/usr/bin/env node
// Prints the web bundle's sizes (raw, gzip, brotli) as a Markdown table, for docs/benchmarks.md.
// The compressed sizes are those of the .gz/.br files the build wrote, i.e. what the server sends.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
if (!existsSync(join(dist, 'index.html'))) {
  console.error('web/dist is missing: run `npm run build:web` first');
  process.exit(1);
}

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (!/\.(br|gz)$/.test(name) && !name.startsWith('.')) yield p;
  }
}

const size = (p) => (existsSync(p) ? statSync(p).size : null);
const kb = (n) => (n === null ? '—' : `${(n / 1024).toFixed(1)} KB`);
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = new Set(['index.html', ...[...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1])]);

const rows = [];
for (const file of walk(dist)) {
  const name = relative(dist, file);
  const raw = size(file);
  rows.push({ name, raw, gz: size(`${file}.gz`) ?? raw, br: size(`${file}.br`) ?? raw, initial: initial.has(name) });
}
const sum = (list, k) => list.reduce((a, r) => a + r[k], 0);
const describe = (name) =>
  name === 'index.html' ? 'the page'
  : /vault\.worker/.test(name) ? 'vault Web Worker (Argon2id)'
  : /index\.esm/.test(name) ? 'hash-wasm (Argon2id WebAssembly), loaded on first unlock'
  : /vault-page/.test(name) ? 'vault page (lazy)'
  : /settings-page/.test(name) ? 'settings page (lazy)'
  : /insights-page/.test(name) ? 'insights page (lazy)'
  : /clusters-page/.test(name) ? 'clusters and map (lazy)'
  : /\.css$/.test(name) ? 'styles'
  : /^assets\/index-/.test(name) ? 'app entry: React, TanStack Query, marked, DOMPurify, the app'
  : '';

console.log('| file | what | raw | gzip | brotli |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const r of rows) console.log(`| \`${r.name.replace(/-[\w-]{8}\./, '-[hash].')}\` | ${describe(r.name)}${r.initial ? ' (initial load)' : ''} | ${kb(r.raw)} | ${kb(r.gz)} | ${kb(r.br)} |`);
const first = rows.filter((r) => r.initial);
console.log(`| **initial load** | page, entry script, styles | **${kb(sum(first, 'raw'))}** | **${kb(sum(first, 'gz'))}** | **${kb(sum(first, 'br'))}** |`);
console.log(`| **everything** | all files | ${kb(sum(rows, 'raw'))} | ${kb(sum(rows, 'gz'))} | ${kb(sum(rows, 'br'))} |`);
