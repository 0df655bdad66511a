// Dates and numbers as people read them, in the browser's locale.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "12 Mar 2025, 14:05". */
export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
/** "12 Mar 2025". */
export const formatDate = (iso: string | Date) => dateOnly.format(typeof iso === 'string' ? new Date(iso) : iso);

/** "3 minutes ago", "yesterday", or the date when older than a week. */
export function formatRelative(iso: string, now = Date.now()): string {
  const diff = (new Date(iso).getTime() - now) / 1000;
  const abs = Math.abs(diff);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relative.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(diff / 3600), 'hour');
  if (abs < 7 * 86400) return relative.format(Math.round(diff / 86400), 'day');
  return formatDate(iso);
}

/** "1.2 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A local calendar date (YYYY-MM-DD) as the ISO instant of its start, or of its end with `endOfDay`. */
export function dayToIso(day: string, endOfDay = false): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  if (endOfDay) d.setDate(d.getDate() + 1), d.setMilliseconds(-1);
  return d.toISOString();
}
