import { describe, expect, it } from 'vitest';
import {
  addDays,
  canonicalTimeZone,
  isPlainDate,
  lastCompleteWeek,
  localParts,
  weekContaining,
  weekStarting,
  zonedInstant,
} from './zoned-weeks.ts';

const hours = (w: { start: Date; end: Date }) => (w.end.getTime() - w.start.getTime()) / 3_600_000;

describe('weeks in a time zone', () => {
  it('runs Monday 00:00 to Monday 00:00 local time, in UTC too', () => {
    const w = weekStarting('2026-03-23', 'UTC');
    expect(w).toEqual({ monday: '2026-03-23', sunday: '2026-03-29', start: new Date('2026-03-23T00:00:00Z'), end: new Date('2026-03-30T00:00:00Z') });
  });

  it('is 167 hours long across the spring change (Europe/Berlin, 29 March 2026)', () => {
    const w = weekStarting('2026-03-23', 'Europe/Berlin');
    expect(w.start).toEqual(new Date('2026-03-22T23:00:00Z')); // CET, UTC+1
    expect(w.end).toEqual(new Date('2026-03-29T22:00:00Z')); // CEST, UTC+2
    expect(hours(w)).toBe(167);
  });

  it('is 167 hours long across the spring change (America/New_York, 8 March 2026)', () => {
    const w = weekStarting('2026-03-02', 'America/New_York');
    expect(w.start).toEqual(new Date('2026-03-02T05:00:00Z'));
    expect(w.end).toEqual(new Date('2026-03-09T04:00:00Z'));
    expect(hours(w)).toBe(167);
    expect(hours(weekStarting('2026-03-09', 'America/New_York'))).toBe(168);
  });

  it('is 169 hours long across the autumn change (Europe/Berlin, 25 October 2026)', () => {
    const w = weekStarting('2026-10-19', 'Europe/Berlin');
    expect(w.end).toEqual(new Date('2026-10-25T23:00:00Z'));
    expect(hours(w)).toBe(169);
  });

  it('finds the last complete week from the local clock, not from UTC', () => {
    // 00:30 on Monday 30 March in Berlin is still Sunday in UTC
    expect(lastCompleteWeek(new Date('2026-03-29T22:30:00Z'), 'Europe/Berlin').monday).toBe('2026-03-23');
    expect(lastCompleteWeek(new Date('2026-03-29T22:30:00Z'), 'UTC').monday).toBe('2026-03-16');
    // 23:59 on Sunday 29 March in Berlin: the week of the 23rd has not ended
    expect(lastCompleteWeek(new Date('2026-03-29T21:59:00Z'), 'Europe/Berlin').monday).toBe('2026-03-16');
    // 10:00 UTC on Monday is still Sunday 23:00 in Pago Pago (UTC-11)
    expect(lastCompleteWeek(new Date('2026-03-30T10:00:00Z'), 'Pacific/Pago_Pago').monday).toBe('2026-03-16');
    expect(weekContaining(new Date('2026-03-30T12:00:00Z'), 'Pacific/Kiritimati').monday).toBe('2026-03-30');
  });

  it('reads skipped and repeated wall-clock times sensibly', () => {
    // Chile skips midnight: the day starts at 01:00 (UTC-3)
    expect(zonedInstant('2026-09-06', 0, 0, 'America/Santiago')).toEqual(new Date('2026-09-06T04:00:00Z'));
    expect(zonedInstant('2026-03-29', 2, 30, 'Europe/Berlin')).toEqual(new Date('2026-03-29T01:30:00Z'));
    // 02:30 happens twice on 25 October in Berlin: the first one
    expect(zonedInstant('2026-10-25', 2, 30, 'Europe/Berlin')).toEqual(new Date('2026-10-25T00:30:00Z'));
  });

  it('reads local weekday and hour', () => {
    expect(localParts(new Date('2026-03-29T22:30:00Z'), 'Europe/Berlin')).toMatchObject({ weekday: 1, hour: 0, day: 30 });
    expect(localParts(new Date('2026-03-29T22:30:00Z'), 'America/New_York')).toMatchObject({ weekday: 7, hour: 18 });
  });

  it('knows time zones by their canonical names and refuses anything else', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('US/Eastern')).toBe('America/New_York');
    for (const bad of ['Mars/Olympus_Mons', '+01:00', 'UTC+1', '', 'Europe/Berlin; DROP TABLE users', 'x'.repeat(80)]) {
      expect(canonicalTimeZone(bad), bad).toBeNull();
    }
  });

  it('checks dates and refuses a week that does not start on a Monday', () => {
    expect(isPlainDate('2026-02-28')).toBe(true);
    expect(isPlainDate('2026-02-29')).toBe(false);
    expect(isPlainDate('2026-3-2')).toBe(false);
    expect(addDays('2026-03-30', -7)).toBe('2026-03-23');
    expect(() => weekStarting('2026-03-24', 'UTC')).toThrow(/not a Monday/);
  });
});
