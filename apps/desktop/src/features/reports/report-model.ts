import type { ReportBucket, ReportGroupBy, ReportRow } from '@parlo/protocol';

/** What the reports form asks for. */
export interface ReportForm {
  readonly from: string;
  readonly to: string;
  readonly bucket: ReportBucket;
  readonly groupBy: ReportGroupBy;
}

/** 'YYYY-MM-DD' of a local date. */
function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The last seven days up to today, per day. */
export function defaultReportForm(today: Date): ReportForm {
  const from = new Date(today);
  from.setDate(from.getDate() - 6);
  return { from: isoDay(from), to: isoDay(today), bucket: 'day', groupBy: 'none' };
}

/** The report's query string; `csv` asks for the CSV download. */
export function reportQueryOf(form: ReportForm, csv = false): string {
  const params = new URLSearchParams({
    from: form.from,
    to: form.to,
    bucket: form.bucket,
    groupBy: form.groupBy,
  });
  if (csv) params.set('format', 'csv');
  return params.toString();
}

/**
 * The chart's series: per bucket of the range (in order, empty ones as zeros), offered, answered
 * and abandoned summed over the keys of a dimension.
 */
export function chartSeries(
  buckets: readonly { readonly label: string; readonly start: string }[],
  rows: readonly ReportRow[],
): {
  x: number[];
  offered: number[];
  answered: number[];
  abandoned: number[];
} {
  const sums = new Map(buckets.map((b) => [b.label, { offered: 0, answered: 0, abandoned: 0 }]));
  for (const row of rows) {
    const sum = sums.get(row.bucket);
    if (!sum) continue;
    sum.offered += row.offered;
    sum.answered += row.answered;
    sum.abandoned += row.abandoned;
  }
  const of = (label: string) => sums.get(label) ?? { offered: 0, answered: 0, abandoned: 0 };
  return {
    x: buckets.map((b) => Date.parse(b.start) / 1000),
    offered: buckets.map((b) => of(b.label).offered),
    answered: buckets.map((b) => of(b.label).answered),
    abandoned: buckets.map((b) => of(b.label).abandoned),
  };
}

/** Seconds as m:ss (h:mm:ss past an hour); an em dash when there is no figure. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A percentage with one decimal in the user's language; an em dash when there is none. */
export function formatPercent(value: number | null, language: string): string {
  if (value === null) return '—';
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(value)} %`;
}
