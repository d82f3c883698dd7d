import { describe, expect, it } from 'vitest';
import { clock, percent, rotate, secondsSince } from './wallboard-format.ts';

describe('[issue-16] wallboard figures as shown', () => {
  it('durations read as m:ss, h:mm:ss past an hour, "–" without a value', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(65.4)).toBe('1:05');
    expect(clock(3_725)).toBe('1:02:05');
    expect(clock(null)).toBe('–');
    expect(clock(-3)).toBe('0:00');
  });

  it('the oldest wait ticks from its instant; percentages are whole', () => {
    expect(secondsSince('2026-12-04T10:00:00.000Z', Date.parse('2026-12-04T10:01:30.000Z'))).toBe(90);
    expect(secondsSince(null, 0)).toBeNull();
    expect(percent(79.6)).toBe('80%');
    expect(percent(null)).toBe('–');
  });

  it('the TV rotates through the queues and back', () => {
    expect([0, 1, 2].map((i) => rotate(i, 3))).toEqual([1, 2, 0]);
    expect(rotate(5, 0)).toBe(0);
  });
});
