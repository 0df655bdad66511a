// When a job is due: every schedule is a fixed period in UTC with an offset, so the slot due at any
// instant is plain arithmetic, the same in every process that shares the database.

/** How often a job runs (in UTC). */
export type Schedule =
  | { every: 'minutes'; minutes: number }
  | { every: 'hour'; minute: number }
  | { every: 'day'; hour: number; minute: number }
  | { every: 'week'; weekday: number; hour: number; minute: number };

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// 1970-01-05 was the first Monday after the epoch (a Thursday)
const FIRST_MONDAY = 4 * DAY;
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function periodAndOffset(s: Schedule): [number, number] {
  switch (s.every) {
    case 'minutes':
      return [s.minutes * MIN, 0];
    case 'hour':
      return [HOUR, s.minute * MIN];
    case 'day':
      return [DAY, s.hour * HOUR + s.minute * MIN];
    case 'week':
      return [7 * DAY, FIRST_MONDAY + (s.weekday - 1) * DAY + s.hour * HOUR + s.minute * MIN];
  }
}

const inRange = (n: number, lo: number, hi: number) => Number.isInteger(n) && n >= lo && n <= hi;

/** Refuses a schedule that names no real time (minute 75, every 0 minutes, weekday 8). */
export function checkSchedule(s: Schedule): void {
  const ok =
    s.every === 'minutes'
      ? inRange(s.minutes, 1, 24 * 60) && (24 * 60) % s.minutes === 0
      : inRange(s.minute, 0, 59) &&
        (s.every === 'hour' || inRange(s.hour, 0, 23)) &&
        (s.every !== 'week' || inRange(s.weekday, 1, 7));
  if (!ok) throw new RangeError(`invalid schedule ${JSON.stringify(s)}`);
}

/** The latest scheduled instant at or before `now`: the slot a run at `now` belongs to. */
export function latestSlot(s: Schedule, now: Date): Date {
  const [period, offset] = periodAndOffset(s);
  return new Date(Math.floor((now.getTime() - offset) / period) * period + offset);
}

/** The first scheduled instant after `now`. */
export function nextSlot(s: Schedule, now: Date): Date {
  const [period] = periodAndOffset(s);
  return new Date(latestSlot(s, now).getTime() + period);
}

const hhmm = (h: number, m: number) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;

/** A schedule in words, e.g. "daily at 03:15 UTC". */
export function describeSchedule(s: Schedule): string {
  switch (s.every) {
    case 'minutes':
      return `every ${s.minutes} minutes`;
    case 'hour':
      return `hourly at :${String(s.minute).padStart(2, '0')}`;
    case 'day':
      return `daily at ${hhmm(s.hour, s.minute)} UTC`;
    case 'week':
      return `weekly on ${DAY_NAMES[s.weekday - 1]} at ${hhmm(s.hour, s.minute)} UTC`;
  }
}
