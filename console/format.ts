/** How the console writes numbers, dates and durations: the browser's locale, time as an argument. */

const numbers = new Intl.NumberFormat();
export const count = (value: number): string => numbers.format(value);

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const when = (iso: string | null): string => (iso ? dateTime.format(new Date(iso)) : '—');

/** `2 h 5 min`, `45 s`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${s % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** `YYYY-MM-DD` of a moment, in UTC (analytics days are UTC days). */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The last `days` UTC days, today included. */
export function lastDays(days: number, now: number): { from: string; to: string } {
  return { from: utcDay(now - (days - 1) * 86_400_000), to: utcDay(now) };
}

/** An ISO date-time as the value of `<input type="datetime-local">`, in the browser's zone. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
}

/** The value of `<input type="datetime-local">` (the browser's zone) as ISO 8601 UTC; `null` when empty. */
export const fromLocalInput = (value: string): string | null => (value ? new Date(value).toISOString() : null);

/** The browser's time zone, to say which one local inputs are in. */
export const timeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;
