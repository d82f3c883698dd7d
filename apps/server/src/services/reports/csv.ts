import type { ReportResponse } from '@parlo/protocol';

/**
 * A cell of CSV (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
 * Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
 * return) is prefixed with an apostrophe first (OWASP's CSV injection advice); numbers are
 * written as they are.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The report as CSV: one line per row, a column per figure and per wrap-up reason present. */
export function reportCsv(report: ReportResponse): string {
  const reasons = new Map<string, string>();
  for (const row of report.rows)
    for (const w of row.wrapUps) reasons.set(w.reasonId ?? '', w.name ?? w.reasonId ?? 'no reason');
  const header = [
    'bucket',
    'bucket_start',
    report.groupBy === 'none' ? 'key' : report.groupBy,
    'name',
    'offered',
    'answered',
    'abandoned',
    'service_level_percent',
    'asa_seconds',
    'aht_seconds',
    'first_response_seconds',
    'rona',
    'declined',
    'transfers',
    'conferences',
    'csat_answers',
    'csat_average',
    ...[...reasons.values()].map((name) => `wrap_up: ${name}`),
  ];
  const lines = [header.map(csvCell).join(',')];
  for (const row of report.rows) {
    const counts = new Map(row.wrapUps.map((w) => [w.reasonId ?? '', w.count]));
    lines.push(
      [
        row.bucket,
        row.bucketStart,
        row.key,
        row.name,
        row.offered,
        row.answered,
        row.abandoned,
        row.serviceLevelPercent,
        row.asaSeconds,
        row.ahtSeconds,
        row.firstResponseSeconds,
        row.rona,
        row.declined,
        row.transfers,
        row.conferences,
        row.csatAnswers,
        row.csatAverage,
        ...[...reasons.keys()].map((id) => counts.get(id) ?? 0),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
