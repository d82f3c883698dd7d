import {
  ApiError,
  MAX_REPORT_DAYS,
  type LabelReportQuery,
  type LabelReportResponse,
  type LabelReportRow,
} from '@parlo/protocol';
import { defaultSettings, readSettings, type ServerContext } from '../../platform/index.ts';
import type { LabelCount, LabelRow } from '../../store/index.ts';
import { toLabelView } from '../../views/index.ts';
import { daysBetween, parseLocalDate, timeBuckets, type TimeBucket } from '../reports/index.ts';

/**
 * The report's rows from the store's counts: each count under its bucket's label and bounds, with
 * the label's name and color; counts of labels deleted meanwhile are left out. By bucket, then
 * label name (case-insensitively). Pure.
 */
export function labelReportRows(
  buckets: readonly TimeBucket[],
  counts: readonly LabelCount[],
  labels: readonly LabelRow[],
): LabelReportRow[] {
  const byId = new Map(labels.map((l) => [l.id, l]));
  const rows: { order: number; name: string; row: LabelReportRow }[] = [];
  for (const c of counts) {
    const bucket = buckets[c.bucket];
    const label = byId.get(c.labelId);
    if (!bucket || !label || c.count <= 0) continue;
    const view = toLabelView(label);
    rows.push({
      order: c.bucket,
      name: label.name.toLowerCase(),
      row: {
        bucket: bucket.label,
        bucketStart: new Date(bucket.start).toISOString(),
        bucketEnd: new Date(bucket.end).toISOString(),
        labelId: label.id,
        name: view.name,
        color: view.color,
        conversations: c.count,
      },
    });
  }
  rows.sort(
    (a, b) => a.order - b.order || a.name.localeCompare(b.name) || a.row.labelId.localeCompare(b.row.labelId),
  );
  return rows.map((r) => r.row);
}

/**
 * Issue 18: per day (or in total) of the local days `from`..`to` in the center's time zone and per
 * label, how many conversations that arrived then carry the label now. The caller checked the user
 * is a supervisor or an administrator.
 */
export async function labelReport(ctx: ServerContext, query: LabelReportQuery): Promise<LabelReportResponse> {
  const from = parseLocalDate(query.from);
  const to = parseLocalDate(query.to);
  if (!from || !to) throw new ApiError('VALIDATION_FAILED', 'Not a date', { from: 'YYYY-MM-DD' });
  const days = daysBetween(from, to);
  if (days === 0 || days > MAX_REPORT_DAYS)
    throw new ApiError('VALIDATION_FAILED', `A report spans 1 to ${MAX_REPORT_DAYS} days`, {
      to: `1 to ${MAX_REPORT_DAYS} days`,
    });
  return ctx.store.transaction(async (tx) => {
    const { timeZone } = await readSettings(tx, defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS));
    const buckets = timeBuckets(from, to, timeZone, query.bucket);
    const counts = await tx.labels.countByArrival(buckets);
    return {
      timeZone,
      from: query.from,
      to: query.to,
      bucket: query.bucket,
      rows: labelReportRows(buckets, counts, await tx.labels.list()),
    };
  });
}
