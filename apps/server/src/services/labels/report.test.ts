import { describe, expect, it } from 'vitest';
import { parseLocalDate, timeBuckets } from '../reports/index.ts';
import { labelReportRows } from './report.ts';

const label = (id: string, name: string, color = 'blue') => ({
  id,
  name,
  color,
  description: null,
  createdAt: 0,
  updatedAt: 0,
});

describe('labels report rows (issue 18)', () => {
  const from = parseLocalDate('2026-03-28');
  const to = parseLocalDate('2026-03-30');
  if (!from || !to) throw new Error('bad dates');
  // Rome changes to summer time on 29 March 2026: that day is a 23-hour bucket.
  const buckets = timeBuckets(from, to, 'Europe/Rome', 'day');

  it('[issue-18] each count sits under its arrival day (a DST day too), labels by name ignoring case', () => {
    const rows = labelReportRows(
      buckets,
      [
        { bucket: 1, labelId: 'l_vip', count: 2 },
        { bucket: 1, labelId: 'l_refund', count: 3 },
        { bucket: 0, labelId: 'l_vip', count: 1 },
      ],
      [label('l_vip', 'vip', 'purple'), label('l_refund', 'Refund', 'red')],
    );
    expect(rows.map((r) => [r.bucket, r.name, r.conversations])).toEqual([
      ['2026-03-28', 'vip', 1],
      ['2026-03-29', 'Refund', 3],
      ['2026-03-29', 'vip', 2],
    ]);
    const dst = rows[1];
    expect(dst && Date.parse(dst.bucketEnd) - Date.parse(dst.bucketStart)).toBe(23 * 3_600_000);
    expect(dst?.bucketStart).toBe('2026-03-28T23:00:00.000Z');
  });

  it('[issue-18] counts of labels deleted meanwhile, empty counts and unknown buckets are left out; an unknown color shows gray', () => {
    const rows = labelReportRows(
      buckets,
      [
        { bucket: 0, labelId: 'l_gone', count: 4 },
        { bucket: 0, labelId: 'l_odd', count: 0 },
        { bucket: 9, labelId: 'l_odd', count: 1 },
        { bucket: 2, labelId: 'l_odd', count: 1 },
      ],
      [label('l_odd', 'Odd', 'chartreuse')],
    );
    expect(rows).toEqual([
      expect.objectContaining({ bucket: '2026-03-30', labelId: 'l_odd', color: 'gray', conversations: 1 }),
    ]);
  });
});
