import { describe, expect, it } from 'vitest';
import { checkSchedule, describeSchedule, latestSlot, nextSlot } from './schedule.ts';

const at = (iso: string) => new Date(iso);

describe('job schedules', () => {
  it('finds the slot a moment belongs to and the next one', () => {
    expect(latestSlot({ every: 'hour', minute: 5 }, at('2026-03-30T10:04:59Z'))).toEqual(at('2026-03-30T09:05:00Z'));
    expect(latestSlot({ every: 'hour', minute: 5 }, at('2026-03-30T10:05:00Z'))).toEqual(at('2026-03-30T10:05:00Z'));
    expect(latestSlot({ every: 'minutes', minutes: 15 }, at('2026-03-30T10:29:00Z'))).toEqual(at('2026-03-30T10:15:00Z'));
    expect(latestSlot({ every: 'day', hour: 3, minute: 15 }, at('2026-03-30T03:00:00Z'))).toEqual(at('2026-03-29T03:15:00Z'));
    // 30 March 2026 is a Monday
    expect(latestSlot({ every: 'week', weekday: 1, hour: 0, minute: 5 }, at('2026-04-05T23:00:00Z'))).toEqual(at('2026-03-30T00:05:00Z'));
    expect(latestSlot({ every: 'week', weekday: 7, hour: 12, minute: 0 }, at('2026-03-30T00:00:00Z'))).toEqual(at('2026-03-29T12:00:00Z'));
    expect(nextSlot({ every: 'day', hour: 3, minute: 15 }, at('2026-03-30T03:15:00Z'))).toEqual(at('2026-03-31T03:15:00Z'));
  });

  it('describes itself and refuses times that do not exist', () => {
    expect(describeSchedule({ every: 'hour', minute: 5 })).toBe('hourly at :05');
    expect(describeSchedule({ every: 'day', hour: 3, minute: 15 })).toBe('daily at 03:15 UTC');
    expect(describeSchedule({ every: 'week', weekday: 1, hour: 0, minute: 5 })).toBe('weekly on Monday at 00:05 UTC');
    expect(describeSchedule({ every: 'minutes', minutes: 15 })).toBe('every 15 minutes');
    for (const bad of [
      { every: 'hour', minute: 60 },
      { every: 'minutes', minutes: 0 },
      { every: 'minutes', minutes: 7 },
      { every: 'day', hour: 24, minute: 0 },
      { every: 'week', weekday: 8, hour: 0, minute: 0 },
      { every: 'hour', minute: 1.5 },
    ] as const) {
      expect(() => checkSchedule(bad), JSON.stringify(bad)).toThrow(/invalid schedule/);
    }
  });
});
