import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestServer, type TestServer } from '../helpers/server.ts';

/** The routes of ../shared/API.md built so far, as OpenAPI paths. */
const CONTRACT: [string, string][] = [
  ['post', '/api/auth/signup'],
  ['post', '/api/auth/login'],
  ['post', '/api/auth/logout'],
  ['get', '/api/me'],
  ['delete', '/api/me'],
  ['post', '/api/tokens'],
  ['get', '/api/tokens'],
  ['delete', '/api/tokens/{id}'],
  ['post', '/api/notes'],
  ['get', '/api/notes'],
  ['get', '/api/notes/{id}'],
  ['patch', '/api/notes/{id}'],
  ['delete', '/api/notes/{id}'],
  ['get', '/api/trash'],
  ['post', '/api/notes/{id}/restore'],
  ['get', '/api/tags'],
  ['get', '/healthz'],
  ['get', '/readyz'],
];

describe('the OpenAPI document', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(() => server?.close());

  it('is valid OpenAPI 3.1 by a real validator', async () => {
    const res = await client(server.url).get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('has every route of the contract, with request schemas and error answers', async () => {
    const doc = (await client(server.url).get('/api/openapi.json')).body;
    for (const [method, path] of CONTRACT) {
      const op = doc.paths?.[path]?.[method];
      expect(op, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(op.summary, `${method} ${path} summary`).toEqual(expect.any(String));
    }
    const create = doc.paths['/api/notes'].post;
    expect(create.requestBody.content['application/json'].schema).toMatchObject({ required: ['content'] });
    expect(create.responses['413']).toBeDefined();
    expect(doc.paths['/api/notes'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['limit', 'cursor', 'tag', 'clusterId', 'from', 'to']),
    );
  });

  it('serves a browsable docs page', async () => {
    const res = await fetch(`${server.url}/api/docs/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/swagger/i);
  });
});
