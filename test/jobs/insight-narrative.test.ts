import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { cleanNarrative, createNarrator } from '../../src/services/insight-narrative.ts';
import { InsightsService } from '../../src/services/insights.service.ts';
import { scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { addCluster, addNote, addUser, clock, vec } from './fixtures.ts';

/** A local stand-in for an OpenAI-compatible /v1/chat/completions endpoint. */
function chatServer() {
  const requests: { auth: string | undefined; body: any }[] = [];
  let answer: (res: ServerResponse) => void = () => undefined;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      requests.push({ auth: req.headers.authorization, body: JSON.parse(raw) });
      answer(res);
    });
  });
  const json = (status: number, body: unknown) => (res: ServerResponse) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  return {
    requests,
    listen: () => new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`))),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
    says: (content: string) => (answer = json(200, { id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content } }] })),
    fails: (status: number) => (answer = json(status, { error: { message: 'boom' } })),
    garbles: () => (answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices": [')),
    hangs: () => (answer = () => undefined),
  };
}

const NARRATIVE = 'You baked your way through the week: bread was new, and the car got its due.';
const TAIL = 'THIS-TAIL-IS-NEVER-SENT';

describe('the narrative paragraph from an OpenAI-compatible chat endpoint', () => {
  let scratch: Scratch;
  const chat = chatServer();
  let baseUrl: string;
  let user: string;
  const time = clock('2026-03-31T10:00:00Z');
  const service = (timeoutMs = 2000) =>
    new InsightsService(scratch.db, {
      now: time.now,
      narrator: createNarrator(
        loadConfig({ INSIGHTS_LLM: 'openai', OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: 'sk-test-0123456789', CHAT_MODEL: 'tiny-chat', INSIGHTS_LLM_TIMEOUT_MS: String(timeoutMs) }),
      ),
    });

  beforeAll(async () => {
    baseUrl = await chat.listen();
    scratch = await scratchDatabase('pglite');
    user = await addUser(scratch.db, 'llm@example.com');
    const bread = await addCluster(scratch.db, user, 'Sourdough bread');
    await addNote(scratch.db, user, { content: `Feed the starter the night before. ${'Then wait. '.repeat(40)}${TAIL}`, at: '2026-03-24T21:00:00Z', clusterId: bread, vector: vec({ 0: 1 }) });
    await addNote(scratch.db, user, { content: 'Knead the dough.', at: '2026-03-25T08:00:00Z', clusterId: bread, vector: vec({ 0: 1, 3: 0.2 }) });
  });
  afterAll(async () => {
    await chat.close();
    await scratch?.drop();
  });

  it('is off unless INSIGHTS_LLM=openai', () => {
    expect(createNarrator(loadConfig({}))).toBeNull();
    expect(loadConfig({}).INSIGHTS_LLM).toBe('off');
  });

  it('puts the paragraph on top of the offline insight, grounded on the facts (excerpts, never whole notes)', async () => {
    chat.says(NARRATIVE);
    const insight = await service().generate(user, '2026-03-23');
    expect(insight.content.startsWith(`${NARRATIVE}\n\n**2 notes** this week`)).toBe(true);
    expect(insight.title).toBe('Week of 23 March 2026: Sourdough bread');
    const req = chat.requests.at(-1)!;
    expect(req.auth).toBe('Bearer sk-test-0123456789');
    expect(req.body.model).toBe('tiny-chat');
    expect(req.body.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
    const facts = JSON.parse(req.body.messages[1].content);
    expect(facts).toMatchObject({ notesWritten: 2, themes: [{ name: 'Sourdough bread', notes: 2, newThisWeek: true }] });
    expect(facts.themes[0].excerpts).toContainEqual(expect.stringMatching(/^Feed the starter the night before\./));
    expect(req.body.messages[1].content).not.toContain(TAIL);
  });

  it('keeps the offline insight when the endpoint fails, answers nonsense or does not answer in time', async () => {
    const offline = (await new InsightsService(scratch.db, { now: time.now }).generate(user, '2026-03-23')).content;
    for (const [what, setUp, timeout] of [
      ['HTTP 500', () => chat.fails(500), 2000],
      ['HTTP 401', () => chat.fails(401), 2000],
      ['broken JSON', () => chat.garbles(), 2000],
      ['an empty answer', () => chat.says('   '), 2000],
      ['no answer in time', () => chat.hangs(), 300],
    ] as const) {
      setUp();
      const insight = await service(timeout).generate(user, '2026-03-23');
      expect(insight.content, what).toBe(offline);
    }
    await chat.close();
    const unreachable = await service().generate(user, '2026-03-23');
    expect(unreachable.content).toBe(offline);
    expect(await service().list(user, 10)).toHaveLength(1);
  });

  it('keeps a model\'s answer to one plain paragraph without outside links or markup', () => {
    expect(cleanNarrative('## Week\n\nGreat <b>week</b>! See [this](https://evil.example) and ![x](http://x/y.png)\nand [a note](/notes/00000000-0000-4000-8000-000000000001).')).toBe(
      'Week Great week! See this and and [a note](/notes/00000000-0000-4000-8000-000000000001).',
    );
    expect(cleanNarrative('word. '.repeat(400)).length).toBeLessThanOrEqual(1200);
  });
});
