import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAiProvider, EmbeddingError } from '../../src/embeddings/openai.ts';

/** A local server speaking the OpenAI embeddings protocol; `plan` answers each request in turn. */
async function fakeOpenAi(plan: ((body: { model: string; input: string[] }, req: IncomingMessage) => { status: number; body?: unknown; headers?: Record<string, string> })[]) {
  const requests: { model: string; input: string[]; auth: string | undefined; dimensions?: number }[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const body = JSON.parse(raw);
      requests.push({ ...body, auth: req.headers.authorization });
      const step = plan[Math.min(requests.length - 1, plan.length - 1)]!;
      const answer = step(body, req);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body ?? {}));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, requests, close: () => new Promise((r) => server.close(r)) };
}

const ok = (body: { input: string[] }) => ({
  status: 200,
  body: {
    object: 'list',
    // answered out of order on purpose: the provider must sort by index
    data: body.input.map((t, index) => ({ object: 'embedding', index, embedding: [t.length, 1, 0] })).reverse(),
    model: 'text-embedding-3-small',
  },
});

describe('the OpenAI-compatible embeddings provider', () => {
  let close: (() => Promise<unknown>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  it('batches inputs, sends the key and the model, and keeps the order', async () => {
    const fake = await fakeOpenAi([ok]);
    close = fake.close;
    const p = createOpenAiProvider({ baseUrl: fake.baseUrl, apiKey: 'sk-test-key', model: 'text-embedding-3-small', batchSize: 2 });
    const vectors = await p.embed(['a', 'bb', 'ccc', 'dddd', 'eeeee']);
    expect(vectors.map((v) => v[0])).toEqual([1, 2, 3, 4, 5]);
    expect(fake.requests.map((r) => r.input)).toEqual([['a', 'bb'], ['ccc', 'dddd'], ['eeeee']]);
    expect(fake.requests.every((r) => r.auth === 'Bearer sk-test-key' && r.model === 'text-embedding-3-small' && r.dimensions === 1536)).toBe(true);
  });

  it('retries after 429 and 5xx with back-off, honouring Retry-After', async () => {
    const fake = await fakeOpenAi([
      () => ({ status: 429, body: { error: { message: 'rate limited' } }, headers: { 'retry-after': '0' } }),
      () => ({ status: 503, body: { error: { message: 'busy' } } }),
      ok,
    ]);
    close = fake.close;
    const waits: number[] = [];
    const p = createOpenAiProvider({ baseUrl: fake.baseUrl, apiKey: 'k', model: 'm', backoffMs: (n) => (waits.push(n), 1) });
    expect((await p.embed(['hello']))[0]![0]).toBe(5);
    expect(fake.requests).toHaveLength(3);
    expect(waits).toEqual([1]); // the 429 said Retry-After, only the 503 used the back-off
  });

  it('gives up after the retries with a clear error', async () => {
    const fake = await fakeOpenAi([() => ({ status: 500 })]);
    close = fake.close;
    const p = createOpenAiProvider({ baseUrl: fake.baseUrl, apiKey: 'k', model: 'm', maxRetries: 2, backoffMs: () => 1 });
    await expect(p.embed(['x'])).rejects.toThrow(/HTTP 500 after 3 attempts/);
    expect(fake.requests).toHaveLength(3);
  });

  it('refuses at once, without retrying, on a bad key, and never repeats the key', async () => {
    const fake = await fakeOpenAi([() => ({ status: 401, body: { error: { message: 'Incorrect API key provided: sk-wrong' } } })]);
    close = fake.close;
    const p = createOpenAiProvider({ baseUrl: fake.baseUrl, apiKey: 'sk-wrong-secret', model: 'm' });
    const err = await p.embed(['x']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddingError);
    expect((err as Error).message).toBe('the embeddings endpoint refused the API key (HTTP 401); check OPENAI_API_KEY');
    expect((err as Error).message).not.toContain('sk-wrong');
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses vectors of the wrong number or size', async () => {
    const fake = await fakeOpenAi([() => ({ status: 200, body: { data: [{ index: 0, embedding: new Array(2000).fill(0.1) }] } })]);
    close = fake.close;
    const p = createOpenAiProvider({ baseUrl: fake.baseUrl, apiKey: 'k', model: 'm' });
    await expect(p.embed(['x'])).rejects.toThrow(/wrong number or size/);
  });
});
