import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { EMPTY_WEEK, InsightsService } from '../../src/services/insights.service.ts';
import { backends, scratchDatabase, type Scratch } from '../helpers/databases.ts';
import { addCluster, addNote, addUser, clock, vec } from './fixtures.ts';

const rejectsWith = async (p: Promise<unknown>, code: string, message: RegExp) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  expect((err as AppError).message).toMatch(message);
};

for (const backend of backends) {
  describe.skipIf(backend.skip)(`weekly insights on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let scratch: Scratch;
    const time = clock('2026-03-31T10:00:00Z');
    let service: InsightsService;
    let ann: string;
    let bob: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      scratch = await scratchDatabase(backend.name);
      service = new InsightsService(scratch.db, { now: time.now });
      const db = scratch.db;
      ann = await addUser(db, 'ann@example.com');
      bob = await addUser(db, 'bob@example.com');
      const bread = await addCluster(db, ann, 'Sourdough bread');
      const car = await addCluster(db, ann, 'Car maintenance');
      // the week of Monday 23 March 2026 (UTC): six live notes
      ids.bread1 = await addNote(db, ann, { content: '# Starter\nFeed the starter the night before baking.', at: '2026-03-24T21:10:00Z', tags: ['cooking'], clusterId: bread, vector: vec({ 0: 1 }) });
      ids.bread2 = await addNote(db, ann, { content: 'A long cold proof makes the crumb open.', at: '2026-03-24T21:40:00Z', tags: ['cooking'], clusterId: bread, vector: vec({ 0: 1, 10: 0.5 }) });
      ids.bread3 = await addNote(db, ann, { content: 'Knead the dough until the gluten is strong.', at: '2026-03-26T08:15:00Z', tags: ['cooking'], clusterId: bread, vector: vec({ 0: 1, 11: 0.5 }) });
      ids.car1 = await addNote(db, ann, { content: 'The brakes squeal on every stop.', at: '2026-03-25T12:00:00Z', tags: ['car'], clusterId: car, vector: vec({ 1: 1 }) });
      ids.car2 = await addNote(db, ann, { content: 'Book the mechanic for new tires.', at: '2026-03-28T09:00:00Z', tags: ['car'], clusterId: car, vector: vec({ 1: 1, 14: 0.3 }) });
      ids.loose = await addNote(db, ann, { content: 'Call mum on Sunday.', at: '2026-03-29T23:30:00Z', vector: vec({ 2: 1 }) });
      // not counted: trashed, or another user's, or the vault (never read)
      await addNote(db, ann, { content: 'trashed thought', at: '2026-03-25T10:00:00Z', clusterId: bread, vector: vec({ 0: 1 }), deletedAt: '2026-03-26T10:00:00Z' });
      await addNote(db, bob, { content: "Bob's secret plan about bread", at: '2026-03-24T10:00:00Z', tags: ['cooking'], vector: vec({ 0: 1 }) });
      await db.query(`INSERT INTO vault_notes (ciphertext, iv, salt, user_id, created_at) VALUES ('Y2lwaGVy', 'aXY=', 'c2FsdA==', $1, '2026-03-24T10:00:00Z')`, [ann]);
      // the four weeks before: 2, 1, 0 and 1 notes
      await addNote(db, ann, { content: 'Quarterly taxes are due.', at: '2026-03-17T10:00:00Z', vector: vec({ 3: 1 }) });
      await addNote(db, ann, { content: 'Read about Roman roads.', at: '2026-03-19T10:00:00Z', vector: vec({ 4: 1 }) });
      await addNote(db, ann, { content: 'Oil change done.', at: '2026-03-10T10:00:00Z', tags: ['car'], clusterId: car, vector: vec({ 1: 1, 15: 1 }) });
      await addNote(db, ann, { content: 'Garden: plant tomatoes.', at: '2026-02-24T10:00:00Z', vector: vec({ 5: 1 }) });
      // older: the note the week's bread notes echo
      ids.rye = await addNote(db, ann, { content: 'My grandmother baked rye bread every Sunday.', at: '2025-12-01T10:00:00Z', vector: vec({ 0: 1, 12: 0.2 }) });
    });
    afterAll(() => scratch?.drop());

    it('gathers the right counts, themes, representative notes, tags, echo and rhythm', async () => {
      const { weekStarting } = await import('../../src/services/zoned-weeks.ts');
      const f = await service.gather(ann, weekStarting('2026-03-23', 'UTC'), 'UTC');
      expect(f.notes).toBe(6);
      expect(f.previousWeeks).toEqual([2, 1, 0, 1]);
      expect(f.words).toBe(8 + 8 + 8 + 6 + 6 + 4);
      expect(f.themes.map((t) => [t.name, t.notes, t.previousAverage, t.isNew])).toEqual([
        ['Sourdough bread', 3, 0, true],
        ['Car maintenance', 2, 0.25, false],
      ]);
      expect(f.themes[0]!.representatives.map((r) => r.noteId)).toEqual([ids.bread1, expect.any(String)]);
      expect(f.themes[0]!.representatives[0]!.excerpt).toBe('Starter: Feed the starter the night before baking.');
      expect(f.themes[1]!.representatives.map((r) => r.noteId).sort()).toEqual([ids.car1, ids.car2].sort());
      expect(f.unclustered).toBe(1);
      expect(f.risingTags).toEqual([
        { tag: 'cooking', notes: 3, previousAverage: 0 },
        { tag: 'car', notes: 2, previousAverage: 0.25 },
      ]);
      expect(f.echo).toMatchObject({ noteId: ids.rye, writtenOn: '2025-12-01', themeName: 'Sourdough bread' });
      expect(f.echo!.similarity).toBeGreaterThan(0.9);
      expect(f.byWeekday).toEqual([0, 2, 1, 1, 0, 1, 1]);
      expect(f.byHour[21]).toBe(2);
      expect(JSON.stringify(f)).not.toMatch(/Bob|secret|trashed|Y2lwaGVy/);
    });

    it('writes the insight of the last complete week, titled with its main theme', async () => {
      const insight = await service.generate(ann);
      expect(insight.title).toBe('Week of 23 March 2026: Sourdough bread');
      expect(insight.weekStart).toEqual(new Date('2026-03-23T00:00:00Z'));
      expect(insight.weekEnd).toEqual(new Date('2026-03-30T00:00:00Z'));
      expect(insight.content).toContain('**6 notes** this week (40 words): 500% more than your four-week average of 1.');
      expect(insight.content).toContain(`- **Sourdough bread**: 3 notes, new this week\n  - [“Starter: Feed the starter the night before baking.”](/notes/${ids.bread1})`);
      expect(insight.content).toContain('- **Car maintenance**: 2 notes, up from 0.3 a week');
      expect(insight.content).toContain(`echo [“My grandmother baked rye bread every Sunday.”](/notes/${ids.rye}), written on 1 December 2025.`);
      expect(insight.content).toContain('Mostly on **Tuesday** (2 notes), and most often between **21:00 and 22:00** (2 notes), UTC time.');
    });

    it('regenerating replaces the week\'s insight rather than adding another', async () => {
      const first = (await service.list(ann, 10))[0]!;
      await addNote(scratch.db, ann, { content: 'One more loaf.', at: '2026-03-27T10:00:00Z', clusterId: null });
      time.advance(60_000);
      const again = await service.generate(ann, '2026-03-23');
      expect(again.id).toBe(first.id);
      expect(again.content).toContain('**7 notes** this week');
      expect(again.createdAt.getTime()).toBeGreaterThan(first.createdAt.getTime());
      const all = await service.list(ann, 10);
      expect(all).toHaveLength(1);
      expect(await service.list(bob, 10)).toEqual([]);
    });

    it('refuses a week that is not a Monday, has not ended, or has no notes', async () => {
      await rejectsWith(service.generate(ann, '2026-03-24'), 'validation_failed', /must be a Monday: the week of 2026-03-24 starts on 2026-03-23/);
      await rejectsWith(service.generate(ann, '2026-03-30'), 'validation_failed', /has not ended yet/);
      await rejectsWith(service.generate(ann, '2026-02-31'), 'validation_failed', /YYYY-MM-DD/);
      await rejectsWith(service.generate(ann, '2026-03-02'), 'not_found', new RegExp(EMPTY_WEEK));
      expect(await service.list(ann, 10)).toHaveLength(1);
    });

    it('counts weeks in the user\'s zone across the spring change (Europe/Berlin, 29 March 2026)', async () => {
      const db = scratch.db;
      const eva = await addUser(db, 'eva@example.com', 'Europe/Berlin');
      await addNote(db, eva, { content: 'Sunday 23:30 CET: last week', at: '2026-03-22T22:30:00Z' });
      const first = await addNote(db, eva, { content: 'Monday 00:30 CET: this week', at: '2026-03-22T23:30:00Z' });
      const last = await addNote(db, eva, { content: 'Sunday 23:30 CEST: this week', at: '2026-03-29T21:30:00Z' });
      await addNote(db, eva, { content: 'Monday 00:30 CEST: next week', at: '2026-03-29T22:30:00Z' });
      const insight = await service.generate(eva, '2026-03-23');
      expect(insight.weekStart).toEqual(new Date('2026-03-22T23:00:00Z'));
      expect(insight.weekEnd).toEqual(new Date('2026-03-29T22:00:00Z'));
      expect(insight.content).toContain('**2 notes** this week');
      const { weekStarting } = await import('../../src/services/zoned-weeks.ts');
      const f = await service.gather(eva, weekStarting('2026-03-23', 'Europe/Berlin'), 'Europe/Berlin');
      expect(f.byWeekday).toEqual([1, 0, 0, 0, 0, 0, 1]);
      expect(f.byHour[0]).toBe(1);
      expect(f.byHour[23]).toBe(1);
      expect(f.highlights.map((h) => h.noteId).sort()).toEqual([first, last].sort());
    });

    it('counts weeks in the user\'s zone across the spring change (America/New_York, 8 March 2026)', async () => {
      const db = scratch.db;
      const ned = await addUser(db, 'ned@example.com', 'America/New_York');
      await addNote(db, ned, { content: 'Monday 00:30 EST', at: '2026-03-02T05:30:00Z' });
      await addNote(db, ned, { content: 'Sunday 23:30 EDT', at: '2026-03-09T03:30:00Z' });
      await addNote(db, ned, { content: 'Monday 00:30 EDT: the next week', at: '2026-03-09T04:30:00Z' });
      const insight = await service.generate(ned, '2026-03-02');
      expect([insight.weekStart, insight.weekEnd]).toEqual([new Date('2026-03-02T05:00:00Z'), new Date('2026-03-09T04:00:00Z')]);
      expect(insight.content).toContain('**2 notes** this week');
    });

    it('the weekly job writes each user\'s insight once, when their own Monday has begun', async () => {
      const db = scratch.db;
      const jobs = new InsightsService(db, { now: time.now });
      const utc = await addUser(db, 'utc@example.com', 'UTC');
      const berlin = await addUser(db, 'berlin@example.com', 'Europe/Berlin');
      await addNote(db, utc, { content: 'a note in the week of 13 April', at: '2026-04-15T10:00:00Z' });
      await addNote(db, berlin, { content: 'ein Gedanke', at: '2026-04-15T10:00:00Z' });
      const count = async (u: string) => (await jobs.list(u, 10)).length;
      // Sunday 19 April, 22:30 UTC: already Monday 00:30 in Berlin, still Sunday in UTC
      expect(await jobs.writeDueInsights({ now: new Date('2026-04-19T22:30:00Z') })).toBe(1);
      expect([await count(utc), await count(berlin)]).toEqual([0, 1]);
      expect(await jobs.writeDueInsights({ now: new Date('2026-04-19T23:30:00Z') })).toBe(0);
      expect(await jobs.writeDueInsights({ now: new Date('2026-04-20T00:05:00Z') })).toBe(1);
      expect(await jobs.writeDueInsights({ now: new Date('2026-04-20T01:05:00Z') })).toBe(0);
      expect([await count(utc), await count(berlin)]).toEqual([1, 1]);
      expect((await jobs.list(berlin, 1))[0]!.weekStart).toEqual(new Date('2026-04-12T22:00:00Z'));
    });
  });
}
