import { describe, expect, it } from 'vitest';
import { holidaysOf, intervalsOf, linesOf } from './hours-text.ts';

describe('business hours as text (issue 18)', () => {
  it('[issue 18] a week reads back as the lines it was written as', () => {
    const parsed = intervalsOf(['', '09:00-13:00, 14:00-18:00', '', '', '', '22:00-06:00', '']);
    expect(parsed).toEqual({
      ok: true,
      intervals: [
        { day: 1, from: '09:00', to: '13:00' },
        { day: 1, from: '14:00', to: '18:00' },
        { day: 5, from: '22:00', to: '06:00' },
      ],
    });
    if (parsed.ok) expect(linesOf(parsed.intervals)[1]).toBe('09:00-13:00, 14:00-18:00');
  });

  it('[issue 18] a line that is not HH:MM-HH:MM names its day', () => {
    expect(intervalsOf(['', '', '9-5'])).toEqual({ ok: false, day: 2 });
    expect(holidaysOf('2026-12-25, 2026-12-26')).toEqual(['2026-12-25', '2026-12-26']);
    expect(holidaysOf('25/12')).toBeNull();
  });
});
