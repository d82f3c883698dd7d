/**
 * Issue 18: business hours, pure. Whether a queue is open at an instant, and when it opens next,
 * reading its weekly intervals and holidays as wall-clock times in the center's time zone (IANA,
 * through `Intl`: daylight-saving changes follow the zone's rules). No clock: instants are passed in.
 */
import type { OpeningInterval } from '@parlo/protocol';

/** What the schedule logic reads of a queue's business hours; undefined hours: always open. */
export interface WeeklyHours {
  readonly intervals: readonly OpeningInterval[];
  /** Local dates (`YYYY-MM-DD`) the queue is closed all day. */
  readonly holidays: readonly string[];
}

const DAY_MS = 86_400_000;
const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
/** How far ahead an opening is looked for: a year of holidays and a bit. */
const HORIZON_DAYS = 400;

interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** 0 = Sunday. */
  readonly weekday: number;
  /** Minutes since local midnight. */
  readonly minute: number;
  /** The local wall clock as if it were UTC, in ms (seconds included). */
  readonly wallMs: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function localTime(timeZone: string, at: number): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatterOf(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  return {
    year,
    month,
    day,
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
    minute: hour * 60 + minute,
    wallMs: Date.UTC(year, month - 1, day, hour, minute, second),
  };
}

/** The zone's offset from UTC at `at`, in ms (whole seconds). */
function offsetAt(timeZone: string, at: number): number {
  const whole = Math.floor(at / 1000) * 1000;
  return localTime(timeZone, whole).wallMs - whole;
}

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The instant a local wall-clock time happens in the zone. As `Temporal`'s 'compatible' choice: a
 * time that happens twice (autumn) is its first occurrence; a time that never happens (the spring
 * gap) is moved forward by the gap (02:30 on the spring day in Rome is 03:30).
 */
export function instantOfWallTime(timeZone: string, wallMs: number): number {
  const before = offsetAt(timeZone, wallMs - DAY_MS);
  const after = offsetAt(timeZone, wallMs + DAY_MS);
  if (before === after) return wallMs - before;
  const valid = [wallMs - before, wallMs - after].filter((t) => t + offsetAt(timeZone, t) === wallMs);
  if (valid.length === 0) return wallMs - before;
  return Math.min(...valid);
}

/** Whether a queue with these hours is open at `at` (undefined hours: always open). */
export function isOpenAt(hours: WeeklyHours | undefined, timeZone: string, at: number): boolean {
  if (hours === undefined) return true;
  const local = localTime(timeZone, at);
  if (hours.holidays.includes(isoDate(local.year, local.month, local.day))) return false;
  const yesterday = (local.weekday + 6) % 7;
  for (const interval of hours.intervals) {
    const from = minutesOf(interval.from);
    const to = minutesOf(interval.to);
    if (from < to) {
      if (interval.day === local.weekday && local.minute >= from && local.minute < to) return true;
    } else {
      // Past midnight: from `from` to the end of its day, then until `to` the next day.
      if (interval.day === local.weekday && local.minute >= from) return true;
      if (interval.day === yesterday && local.minute < to) return true;
    }
  }
  return false;
}

/**
 * The first instant at or after `at` when the queue is open: `at` itself when open now; undefined
 * when it never opens within the horizon (no interval, or every day a holiday).
 */
export function nextOpeningAt(
  hours: WeeklyHours | undefined,
  timeZone: string,
  at: number,
): number | undefined {
  if (isOpenAt(hours, timeZone, at)) return at;
  if (hours === undefined || hours.intervals.length === 0) return undefined;
  const today = localTime(timeZone, at);
  const todayUtc = Date.UTC(today.year, today.month - 1, today.day);
  for (let k = 0; k <= HORIZON_DAYS; k++) {
    const date = new Date(todayUtc + k * DAY_MS);
    const weekday = date.getUTCDay();
    const yesterday = (weekday + 6) % 7;
    const starts = new Set<number>();
    for (const interval of hours.intervals) {
      const from = minutesOf(interval.from);
      const to = minutesOf(interval.to);
      if (interval.day === weekday) starts.add(from);
      // An interval from the day before runs into this one: open at midnight when that day was closed.
      if (interval.day === yesterday && to <= from && to > 0) starts.add(0);
    }
    const candidates = [...starts]
      .map((minute) => instantOfWallTime(timeZone, date.getTime() + minute * 60_000))
      .filter((t) => t > at && isOpenAt(hours, timeZone, t))
      .sort((a, b) => a - b);
    if (candidates[0] !== undefined) return candidates[0];
  }
  return undefined;
}

/** The queues of `hoursByQueue` closed at `at`. */
export function closedQueuesAt(
  hoursByQueue: ReadonlyMap<string, WeeklyHours>,
  timeZone: string,
  at: number,
): Set<string> {
  const closed = new Set<string>();
  for (const [queueId, hours] of hoursByQueue) if (!isOpenAt(hours, timeZone, at)) closed.add(queueId);
  return closed;
}
