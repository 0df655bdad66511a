#!/usr/bin/env node
// Builds the web app into web/dist when it is missing or stale; otherwise does nothing (a few ms).
// Run by `npm install`/`npm ci` (the root package's `prepare`), before `npm start` (`prestart`),
// by `npm run build:web` (with --force) and by the browser tests.
//
// "Stale" means: the hash of the app's sources (web/, src/vault/) and of the versions of the
// packages it bundles differs from the one recorded in web/dist/.build-hash at the last build.
// Without --strict, a build that cannot run (devDependencies omitted) or fails only warns: the
// server then serves the API alone and says so in its log.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('..', import.meta.url));
const root = join(web, '..');
const dist = join(web, 'dist');
const stampFile = join(dist, '.build-hash');
const lockDir = join(root, 'node_modules', '.cache', 'mindstorm-web-build.lock'); // ignored by git with node_modules/
const args = new Set(process.argv.slice(2));
const strict = args.has('--strict');
const force = args.has('--force');
const quiet = args.has('--quiet');

const BUNDLED = ['react', 'react-dom', '@tanstack/react-query', 'marked', 'dompurify', 'hash-wasm', 'vite'];

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (!/\.test\.tsx?$/.test(name)) yield p;
  }
}

/** The hash of everything the bundle is made from. */
export function sourceHash() {
  const h = createHash('sha256');
  const inputs = [
    join(web, 'index.html'),
    join(web, 'vite.config.ts'),
    join(web, 'tsconfig.json'),
    ...files(join(web, 'src')),
    ...files(join(web, 'public')),
    ...files(join(web, 'scripts')),
    ...files(join(root, 'src', 'vault')),
  ];
  for (const f of inputs) {
    if (!existsSync(f)) continue;
    h.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  for (const pkg of BUNDLED) {
    const manifest = join(root, 'node_modules', pkg, 'package.json');
    const version = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : 'missing';
    h.update(`${pkg}@${version}\0`);
  }
  return h.digest('hex');
}

function say(msg) {
  if (!quiet) console.log(`[web] ${msg}`);
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// One build at a time (test files may ask together); a lock older than 5 minutes is abandoned.
async function withLock(fn) {
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(join(lockDir, '..'), { recursive: true });
      mkdirSync(lockDir);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > 5 * 60_000) rmSync(lockDir, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (waited > 6 * 60_000) throw new Error('timed out waiting for another web build');
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

const upToDate = (hash) => existsSync(join(dist, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash;

async function main() {
  const hash = sourceHash();
  if (!force && upToDate(hash)) {
    say('the web app in web/dist is up to date');
    return;
  }
  await withLock(async () => {
    if (!force && upToDate(sourceHash())) return; // another process built it while we waited
    let vite;
    try {
      vite = await import('vite');
    } catch {
      throw new Error('vite is not installed (were devDependencies omitted?): run `npm install` to build the web app');
    }
    say(existsSync(dist) ? 'sources changed: rebuilding the web app…' : 'building the web app…');
    const started = Date.now();
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production'; // Vite follows NODE_ENV: under a test runner it would build React's development files
    try {
      await vite.build({ configFile: join(web, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    writeFileSync(stampFile, `${sourceHash()}\n`);
    say(`built web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
}

const invokedDirectly = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  main().catch((err) => {
    console.error(`[web] could not build the web app: ${err?.message ?? err}`);
    if (strict) process.exit(1);
    console.error('[web] the server will serve the API only until `npm run build:web` succeeds');
  });
}

export { main as ensureBuilt };
