import type { ReportRow } from '@parlo/protocol';
import { describe, expect, it } from 'vitest';
import {
  chartSeries,
  defaultReportForm,
  formatDuration,
  formatPercent,
  reportQueryOf,
} from './report-model.ts';

const row = (
  bucket: string,
  start: string,
  key: string | null,
  offered: number,
  answered: number,
): ReportRow => ({
  bucket,
  bucketStart: start,
  bucketEnd: start,
  key,
  name: key,
  offered,
  answered,
  abandoned: offered - answered,
  serviceLevelPercent: null,
  asaSeconds: null,
  ahtSeconds: null,
  firstResponseSeconds: null,
  rona: 0,
  declined: 0,
  transfers: 0,
  conferences: 0,
  csatAnswers: 0,
  csatAverage: null,
  wrapUps: [],
});

describe('reports page model (issue 16)', () => {
  it('asks for the last seven days per day by default, and for CSV when downloading', () => {
    const form = defaultReportForm(new Date(2026, 2, 3));
    expect(form).toEqual({ from: '2026-02-25', to: '2026-03-03', bucket: 'day', groupBy: 'none' });
    expect(reportQueryOf({ ...form, groupBy: 'queue' })).toBe(
      'from=2026-02-25&to=2026-03-03&bucket=day&groupBy=queue',
    );
    expect(reportQueryOf(form, true)).toMatch(/&format=csv$/);
  });

  it('charts every period of the range in order, empty ones as zeros, summing the keys of a dimension', () => {
    const buckets = [
      { label: '2026-10-24', start: '2026-10-23T22:00:00.000Z' },
      { label: '2026-10-25', start: '2026-10-24T22:00:00.000Z' },
      { label: '2026-10-26', start: '2026-10-25T23:00:00.000Z' },
    ];
    const series = chartSeries(buckets, [
      row('2026-10-25', '2026-10-24T22:00:00.000Z', 'q2', 2, 1),
      row('2026-10-24', '2026-10-23T22:00:00.000Z', 'q1', 3, 2),
      row('2026-10-25', '2026-10-24T22:00:00.000Z', 'q1', 1, 0),
    ]);
    expect(series.x).toEqual(buckets.map((b) => Date.parse(b.start) / 1000));
    expect([series.offered, series.answered, series.abandoned]).toEqual([
      [3, 3, 0],
      [2, 1, 0],
      [1, 2, 0],
    ]);
  });

  it('formats durations and percentages', () => {
    expect(formatDuration(32.5)).toBe('0:33');
    expect(formatDuration(635)).toBe('10:35');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(null)).toBe('—');
    expect(formatPercent(33.3, 'it')).toBe('33,3 %');
    expect(formatPercent(null, 'en')).toBe('—');
  });
});
