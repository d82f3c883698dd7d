import type { OpeningInterval } from '@parlo/protocol';

/**
 * Issue 18: the console edits a queue's week as one line of text per day ("09:00-13:00,
 * 14:00-18:00"); these turn intervals into those lines and back. Pure.
 */

const RANGE = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;

/** The seven lines, Sunday (0) to Saturday (6). */
export function linesOf(intervals: readonly OpeningInterval[]): string[] {
  return [0, 1, 2, 3, 4, 5, 6].map((day) =>
    intervals
      .filter((i) => i.day === day)
      .map((i) => `${i.from}-${i.to}`)
      .join(', '),
  );
}

/** The intervals of the seven lines, or the first day whose line does not read. */
export function intervalsOf(
  lines: readonly string[],
): { ok: true; intervals: OpeningInterval[] } | { ok: false; day: number } {
  const intervals: OpeningInterval[] = [];
  for (const [day, line] of lines.entries()) {
    for (const part of line.split(',').map((p) => p.replace(/\s+/g, ''))) {
      if (part === '') continue;
      if (!RANGE.test(part)) return { ok: false, day };
      const [from = '', to = ''] = part.split('-');
      intervals.push({ day, from, to });
    }
  }
  return { ok: true, intervals };
}

/** Holidays typed as "2026-12-25, 2026-12-26"; null when one is not a date. */
export function holidaysOf(text: string): string[] | null {
  const parts = text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return parts.every((p) => /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(p)) ? parts : null;
}
