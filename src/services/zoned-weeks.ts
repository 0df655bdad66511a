// Weeks in a user's time zone, with nothing but Node's Intl: a week runs from Monday 00:00 to the
// next Monday 00:00 local time, so across a daylight-saving change it lasts 167 or 169 hours.

/** A calendar date without a time or zone, as YYYY-MM-DD. */
export type PlainDate = string;

/** One week of a time zone: its local Monday and the instants it starts and ends. */
export interface ZonedWeek {
  /** The local date of the week's Monday. */
  monday: PlainDate;
  /** The local date of the week's Sunday. */
  sunday: PlainDate;
  start: Date;
  end: Date;
}

/** The local wall-clock reading of an instant: weekday 1 (Monday) to 7 (Sunday), hour 0-23. */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const DAY_MS = 86_400_000;

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** The zone's canonical name when Intl knows it (so 'europe/berlin' is stored as 'Europe/Berlin'); null otherwise. */
export function canonicalTimeZone(name: string): string | null {
  // names only: offsets such as +01:00 are not zones (they know no daylight-saving time)
  if (!/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** How an instant reads on a clock in the zone. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const p: Record<string, string> = {};
  for (const part of formatFor(timeZone).formatToParts(instant)) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: WEEKDAYS[p.weekday!]!,
  };
}

function offsetMs(t: number, timeZone: string): number {
  const p = localParts(new Date(t), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
}

/**
 * The instant a local wall-clock time happens in the zone. A time skipped by a daylight-saving
 * jump is read with the offset before the jump (a skipped midnight becomes the first instant after
 * the gap); a time that happens twice gives the first of its instants.
 */
export function zonedInstant(date: PlainDate, hour: number, minute: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  const o1 = offsetMs(wall, timeZone);
  const t1 = wall - o1;
  const o2 = offsetMs(t1, timeZone);
  if (o2 === o1) {
    // an ambiguous time: the earlier of its two instants, if the offset an hour before also fits
    const earlier = wall - offsetMs(t1 - 3_600_000, timeZone);
    return new Date(earlier < t1 && offsetMs(earlier, timeZone) === wall - earlier ? earlier : t1);
  }
  const t2 = wall - o2;
  return new Date(offsetMs(t2, timeZone) === o2 ? t2 : Math.max(t1, t2));
}

/** Whether a string is a real calendar date written YYYY-MM-DD. */
export function isPlainDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return t.getUTCFullYear() === Number(m[1]) && t.getUTCMonth() === Number(m[2]) - 1 && t.getUTCDate() === Number(m[3]);
}

/** The date n days after (or before) a date. */
export function addDays(date: PlainDate, n: number): PlainDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The day of the week of a date, 1 (Monday) to 7 (Sunday). */
export function weekdayOf(date: PlainDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}

/** The local date of an instant in the zone. */
export function localDate(instant: Date, timeZone: string): PlainDate {
  const p = localParts(instant, timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The week (in the zone) that starts on this Monday. */
export function weekStarting(monday: PlainDate, timeZone: string): ZonedWeek {
  if (!isPlainDate(monday) || weekdayOf(monday) !== 1) throw new RangeError(`${monday} is not a Monday`);
  const next = addDays(monday, 7);
  return { monday, sunday: addDays(monday, 6), start: zonedInstant(monday, 0, 0, timeZone), end: zonedInstant(next, 0, 0, timeZone) };
}

/** The week (in the zone) that contains the instant. */
export function weekContaining(instant: Date, timeZone: string): ZonedWeek {
  const today = localDate(instant, timeZone);
  const week = weekStarting(addDays(today, 1 - weekdayOf(today)), timeZone);
  // a Monday whose midnight was skipped starts at 01:00: an instant before that is still last week
  return instant < week.start ? weekStarting(addDays(week.monday, -7), timeZone) : week;
}

/** The last week (in the zone) that has ended by the instant. */
export function lastCompleteWeek(instant: Date, timeZone: string): ZonedWeek {
  return weekStarting(addDays(weekContaining(instant, timeZone).monday, -7), timeZone);
}
