/**
 * Report buckets in the center's time zone (ADR 22): each day or hour is a range of instants
 * `[start, end)` computed here with `Intl`, so the databases never deal with zones (SQLite has
 * none). A day across a DST change is simply 23 or 25 hours long; the repeated hour of an autumn
 * change is two buckets, told apart by their UTC offset.
 */

export type BucketSize = 'day' | 'hour' | 'total';

export interface TimeBucket {
  readonly start: number;
  readonly end: number;
  /** 'YYYY-MM-DD' for a day (or the range's first day for a total); 'YYYY-MM-DDTHH:00+hh:mm' for an hour. */
  readonly label: string;
}

/** A local calendar date. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a zone. */
export function wallClock(
  instant: number,
  zone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const fields: Record<string, number> = {};
  for (const part of formatterOf(zone).formatToParts(new Date(instant)))
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  return {
    year: fields.year ?? 1970,
    month: fields.month ?? 1,
    day: fields.day ?? 1,
    hour: (fields.hour ?? 0) % 24,
    minute: fields.minute ?? 0,
    second: fields.second ?? 0,
  };
}

/** The zone's offset from UTC at an instant, in ms (Rome in summer: +7,200,000). */
export function offsetAt(instant: number, zone: string): number {
  const w = wallClock(instant, zone);
  const wall = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

/** The instant a local wall-clock hour begins in a zone (midnight always exists in real zones). */
export function zonedInstant(date: LocalDate, hour: number, zone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour);
  const first = wall - offsetAt(wall, zone);
  return wall - offsetAt(first, zone);
}

/** 'YYYY-MM-DD' -> a local date; undefined when it is not a real date. */
export function parseLocalDate(text: string): LocalDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return undefined;
  return { year, month, day };
}

function nextDay(d: LocalDate): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function formatLocalDate(d: LocalDate): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const minutes = Math.abs(ms) / 60_000;
  return `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** How many local days `[from, to]` spans (inclusive); 0 when `to` is before `from`. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  const a = Date.UTC(from.year, from.month - 1, from.day);
  const b = Date.UTC(to.year, to.month - 1, to.day);
  return b < a ? 0 : Math.round((b - a) / 86_400_000) + 1;
}

/**
 * The buckets of the local days `from`..`to` (inclusive) in `zone`: one per day, one per hour
 * (real hours from each local midnight, labelled with their local time and offset), or a single
 * one for the whole range.
 */
export function timeBuckets(from: LocalDate, to: LocalDate, zone: string, size: BucketSize): TimeBucket[] {
  const days: TimeBucket[] = [];
  for (let d = from, n = daysBetween(from, to); n > 0; n--, d = nextDay(d)) {
    days.push({
      start: zonedInstant(d, 0, zone),
      end: zonedInstant(nextDay(d), 0, zone),
      label: formatLocalDate(d),
    });
  }
  const first = days[0];
  const last = days.at(-1);
  if (!first || !last) return [];
  if (size === 'day') return days;
  if (size === 'total') return [{ start: first.start, end: last.end, label: first.label }];
  const hours: TimeBucket[] = [];
  for (const day of days) {
    for (let t = day.start; t < day.end; t += HOUR_MS) {
      const w = wallClock(t, zone);
      const label = `${formatLocalDate(w)}T${pad(w.hour)}:${pad(w.minute)}${formatOffset(offsetAt(t, zone))}`;
      hours.push({ start: t, end: Math.min(t + HOUR_MS, day.end), label });
    }
  }
  return hours;
}
