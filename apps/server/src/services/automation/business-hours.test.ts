import { describe, expect, it } from 'vitest';
import {
  closedQueuesAt,
  instantOfWallTime,
  isOpenAt,
  nextOpeningAt,
  type WeeklyHours,
} from './business-hours.ts';

const ROME = 'Europe/Rome';
const at = (iso: string): number => Date.parse(iso);
/** Monday to Friday 09:00-18:00, closed at weekends. */
const weekdays: WeeklyHours = {
  intervals: [1, 2, 3, 4, 5].map((day) => ({ day, from: '09:00', to: '18:00' })),
  holidays: [],
};
/** Every day 09:00-17:00. */
const everyDay: WeeklyHours = {
  intervals: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, from: '09:00', to: '17:00' })),
  holidays: [],
};

describe('business hours (issue 18)', () => {
  it('[issue 18] a queue without business hours is always open', () => {
    expect(isOpenAt(undefined, ROME, at('2026-12-25T03:00:00Z'))).toBe(true);
    expect(nextOpeningAt(undefined, ROME, at('2026-12-25T03:00:00Z'))).toBe(at('2026-12-25T03:00:00Z'));
  });

  it('[issue 18] opening hours are read in the center time zone, not UTC', () => {
    // Tuesday 1 December 2026: Rome is UTC+1, so 08:30Z is 09:30 there (open), 17:30Z is 18:30 (closed).
    expect(isOpenAt(weekdays, ROME, at('2026-12-01T08:30:00Z'))).toBe(true);
    expect(isOpenAt(weekdays, ROME, at('2026-12-01T07:59:59Z'))).toBe(false);
    expect(isOpenAt(weekdays, ROME, at('2026-12-01T17:00:00Z'))).toBe(false);
    expect(isOpenAt(weekdays, 'UTC', at('2026-12-01T17:30:00Z'))).toBe(true);
    // Saturday: closed all day.
    expect(isOpenAt(weekdays, ROME, at('2026-12-05T10:00:00Z'))).toBe(false);
  });

  it('[issue 18] a holiday closes its whole local date and the next opening skips it', () => {
    const christmas: WeeklyHours = { ...weekdays, holidays: ['2026-12-25'] };
    // Friday 25 December 2026 10:00 in Rome.
    expect(isOpenAt(christmas, ROME, at('2026-12-25T09:00:00Z'))).toBe(false);
    expect(isOpenAt(weekdays, ROME, at('2026-12-25T09:00:00Z'))).toBe(true);
    // Closed on Thursday evening: the next opening is Monday 28 at 09:00 Rome (08:00Z).
    expect(nextOpeningAt(christmas, ROME, at('2026-12-24T19:00:00Z'))).toBe(at('2026-12-28T08:00:00Z'));
    // The local date counts, not the UTC one: 23:30Z on the 24th is already the 25th in Rome.
    const lateShift: WeeklyHours = {
      intervals: [
        { day: 4, from: '20:00', to: '23:59' },
        { day: 5, from: '00:00', to: '23:59' },
      ],
      holidays: ['2026-12-25'],
    };
    expect(isOpenAt(lateShift, ROME, at('2026-12-24T22:30:00Z'))).toBe(true);
    expect(isOpenAt(lateShift, ROME, at('2026-12-24T23:30:00Z'))).toBe(false);
  });

  it('[issue 18] an interval past midnight runs into the next day', () => {
    const night: WeeklyHours = { intervals: [{ day: 5, from: '22:00', to: '06:00' }], holidays: [] };
    // Friday 4 December 2026 23:00 Rome (22:00Z) and Saturday 05:59 Rome are open; Saturday 06:00 not.
    expect(isOpenAt(night, ROME, at('2026-12-04T22:00:00Z'))).toBe(true);
    expect(isOpenAt(night, ROME, at('2026-12-05T04:59:00Z'))).toBe(true);
    expect(isOpenAt(night, ROME, at('2026-12-05T05:00:00Z'))).toBe(false);
    expect(isOpenAt(night, ROME, at('2026-12-04T20:59:00Z'))).toBe(false);
    // From Saturday morning the next opening is the next Friday at 22:00 Rome.
    expect(nextOpeningAt(night, ROME, at('2026-12-05T06:00:00Z'))).toBe(at('2026-12-11T21:00:00Z'));
  });

  it('[issue 18] after a holiday, an interval from the day before opens at local midnight', () => {
    const night: WeeklyHours = {
      intervals: [{ day: 4, from: '22:00', to: '06:00' }],
      holidays: ['2026-12-03'],
    };
    // Thursday 3 December is a holiday: closed on its evening, open from Friday 00:00 Rome (Thu 23:00Z).
    expect(isOpenAt(night, ROME, at('2026-12-03T21:30:00Z'))).toBe(false);
    expect(nextOpeningAt(night, ROME, at('2026-12-03T21:30:00Z'))).toBe(at('2026-12-03T23:00:00Z'));
  });

  it('[issue 18] across the spring DST change in Rome the opening stays at 09:00 local', () => {
    // Sunday 29 March 2026: clocks go from 02:00 CET to 03:00 CEST. 09:00 Rome is 07:00Z, not 08:00Z.
    const saturdayNight = at('2026-03-28T20:00:00Z');
    expect(nextOpeningAt(everyDay, ROME, saturdayNight)).toBe(at('2026-03-29T07:00:00Z'));
    expect(isOpenAt(everyDay, ROME, at('2026-03-29T06:59:00Z'))).toBe(false);
    expect(isOpenAt(everyDay, ROME, at('2026-03-29T07:00:00Z'))).toBe(true);
    // The day before, 09:00 Rome was 08:00Z.
    expect(nextOpeningAt(everyDay, ROME, at('2026-03-27T20:00:00Z'))).toBe(at('2026-03-28T08:00:00Z'));
  });

  it('[issue 18] across the autumn DST change in Rome the opening stays at 09:00 local', () => {
    // Sunday 25 October 2026: clocks go back from 03:00 CEST to 02:00 CET. 09:00 Rome is 08:00Z.
    expect(nextOpeningAt(everyDay, ROME, at('2026-10-24T20:00:00Z'))).toBe(at('2026-10-25T08:00:00Z'));
    expect(isOpenAt(everyDay, ROME, at('2026-10-25T07:30:00Z'))).toBe(false);
    // Closing at 17:00 local that day is 16:00Z.
    expect(isOpenAt(everyDay, ROME, at('2026-10-25T15:59:00Z'))).toBe(true);
    expect(isOpenAt(everyDay, ROME, at('2026-10-25T16:00:00Z'))).toBe(false);
  });

  it('[issue 18] wall times in a DST gap move forward, repeated ones take the first occurrence', () => {
    // 02:30 on 29 March 2026 does not exist in Rome: it is taken as 03:30 CEST (01:30Z).
    expect(instantOfWallTime(ROME, Date.UTC(2026, 2, 29, 2, 30))).toBe(at('2026-03-29T01:30:00Z'));
    // 02:30 on 25 October 2026 happens twice: the first (CEST, 00:30Z).
    expect(instantOfWallTime(ROME, Date.UTC(2026, 9, 25, 2, 30))).toBe(at('2026-10-25T00:30:00Z'));
  });

  it('[issue 18] with no interval and hours on, a queue never opens', () => {
    const never: WeeklyHours = { intervals: [], holidays: [] };
    expect(isOpenAt(never, ROME, at('2026-12-01T10:00:00Z'))).toBe(false);
    expect(nextOpeningAt(never, ROME, at('2026-12-01T10:00:00Z'))).toBeUndefined();
  });

  it('[issue 18] the closed queues are those whose hours say closed now', () => {
    const hours = new Map([
      ['q_day', weekdays],
      ['q_night', { intervals: [{ day: 2, from: '22:00', to: '06:00' }], holidays: [] }],
    ]);
    expect([...closedQueuesAt(hours, ROME, at('2026-12-01T10:00:00Z'))]).toEqual(['q_night']);
  });
});
