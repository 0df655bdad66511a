import { execFileSync, spawnSync } from 'node:child_process';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, statementName } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { buildApp } from '../../src/server/app.ts';
import { backends } from '../helpers/databases.ts';
import { client, signUp, startTestServer, type TestServer } from '../helpers/server.ts';

const promtool = spawnSync('promtool', ['--version']).status === 0;
// CI installs Prometheus's promtool (Debian's `prometheus`); elsewhere these checks say why they did not run
const needPromtool = !promtool && !process.env.CI ? 'not run: promtool is not installed (apt-get install prometheus)' : false;

function value(text: string, metric: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(' ').at(-1));
  }
  return undefined;
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`/metrics on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend.name, { startWorker: false });
    });
    afterAll(() => server?.close());

    it('counts requests and latency by route template, and reports the database', async () => {
      const u = await signUp(server.url);
      const note = await u.api.post('/api/notes', { content: 'measured' });
      await u.api.get(`/api/notes/${note.body.id}`);
      await u.api.get('/api/notes/00000000-0000-4000-8000-000000000000');
      const res = await fetch(`${server.url}/metrics`);
      expect(res.headers.get('content-type')).toMatch(/text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(value(text, 'mindstorm_http_requests_total', { route: '/api/notes/:id', status_code: '200' })).toBe(1);
      expect(value(text, 'mindstorm_http_requests_total', { route: '/api/notes/:id', status_code: '404' })).toBe(1);
      expect(value(text, 'mindstorm_http_request_duration_seconds_count', { route: '/api/notes', method: 'POST' })).toBe(1);
      expect(value(text, 'mindstorm_embedding_queue_length')).toBe(1);
      expect(value(text, 'mindstorm_db_size_bytes')).toBeGreaterThan(1_000_000);
      expect(value(text, 'mindstorm_db_max_connections')).toBeGreaterThan(0);
      expect(value(text, 'mindstorm_db_connections')).toBeGreaterThan(0);
      expect(value(text, 'mindstorm_db_index_scans', { index: 'idx_notes_user_id' })).toBeGreaterThanOrEqual(0);
      if (backend.name === 'postgres') {
        expect(value(text, 'mindstorm_db_pool_max_clients')).toBe(5);
        expect(value(text, 'mindstorm_db_pool_clients')).toBeGreaterThan(0);
      }
      expect(text).not.toContain('measured'); // no note content in metrics
    });

    it.skipIf(needPromtool)(`passes promtool check metrics${needPromtool ? ` (${needPromtool})` : ''}`, async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(check.stdout + check.stderr).toBe('');
      expect(check.status).toBe(0);
    });
  });
}

describe('slow queries', () => {
  it('are counted and logged by statement name, never with their parameters', async () => {
    const db = await openDatabase({ slowQueryMs: 20 });
    await db.withSession((s) => migrate(s));
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
    const app = await buildApp({ db, config: loadConfig({ LOG_LEVEL: 'info' }), logger, startWorker: false });
    try {
      await db.query("SELECT count(*), $1::text AS secret FROM users, generate_series(1, 2000000) WHERE email <> $1 OR true GROUP BY 2", ['a-secret-parameter']);
      await db.query("INSERT INTO users (email) VALUES ('x@example.com')");
      await db.query("SELECT count(*), $1::text AS secret FROM users, generate_series(1, 2000000) WHERE email <> $1 GROUP BY 2", ['a-secret-parameter']);
      await db.query('SELECT 1');
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(value(text, 'mindstorm_slow_queries_total', { statement: 'SELECT users' })).toBeGreaterThanOrEqual(1);
      const log = lines.join('');
      expect(log).toMatch(/"statement":"SELECT users".*"msg":"slow query"/);
      expect(log).not.toContain('a-secret-parameter');
    } finally {
      await app.close();
      await db.close();
    }
  });

  it('are named by verb and table', () => {
    expect(statementName('select * from notes where id = $1')).toBe('SELECT notes');
    expect(statementName('UPDATE "auth_tokens" SET x = 1')).toBe('UPDATE auth_tokens');
    expect(statementName('INSERT INTO embedding_cache (a) VALUES ($1)')).toBe('INSERT embedding_cache');
    expect(statementName('SELECT 1')).toBe('SELECT');
  });
});

describe.skipIf(needPromtool)(`the alert rules${needPromtool ? ` (${needPromtool})` : ''}`, () => {
  it('are valid, and each fires on the series that must fire it (deploy/prometheus/alerts.test.yml)', () => {
    expect(execFileSync('promtool', ['check', 'rules', 'deploy/prometheus/alerts.yml'], { encoding: 'utf8' })).toMatch(/SUCCESS: 4 rules found/);
    const run = spawnSync('promtool', ['test', 'rules', 'deploy/prometheus/alerts.test.yml'], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toMatch(/SUCCESS/);
    expect(run.status).toBe(0);
  });
});
