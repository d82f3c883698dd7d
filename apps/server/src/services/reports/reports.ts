import {
  ApiError,
  MAX_REPORT_DAYS,
  MAX_REPORT_HOURLY_DAYS,
  type ReportQuery,
  type ReportResponse,
  type ReportRow,
} from '@parlo/protocol';
import { defaultSettings, readSettings, type ServerContext } from '../../platform/index.ts';
import type { ReportDimension, ReportSums, StoreTx } from '../../store/index.ts';
import { ABANDON_AFTER_MS, DEFAULT_SERVICE_LEVEL_MS, figuresOf, sortCells } from './kpis.ts';
import { daysBetween, parseLocalDate, timeBuckets } from './time-buckets.ts';

/**
 * Issue 16: the KPI report over the local days `from`..`to` in the center's time zone, per day,
 * hour or in total, grouped by nothing, queue, agent, business number or wrap-up reason (ADR 22).
 * The caller checked the user is a supervisor or an administrator.
 */
export async function kpiReport(ctx: ServerContext, query: ReportQuery): Promise<ReportResponse> {
  const from = parseLocalDate(query.from);
  const to = parseLocalDate(query.to);
  if (!from || !to) throw new ApiError('VALIDATION_FAILED', 'Not a date', { from: 'YYYY-MM-DD' });
  const days = daysBetween(from, to);
  const most = query.bucket === 'hour' ? MAX_REPORT_HOURLY_DAYS : MAX_REPORT_DAYS;
  if (days === 0 || days > most)
    throw new ApiError('VALIDATION_FAILED', `A report spans 1 to ${most} days`, { to: `1 to ${most} days` });
  const now = ctx.clock();
  const { timeZone } = await ctx.store.transaction((tx) =>
    readSettings(tx, defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS)),
  );
  const buckets = timeBuckets(from, to, timeZone, query.bucket);
  const sumsQuery = {
    buckets,
    groupBy: query.groupBy,
    now,
    abandonAfterMs: ABANDON_AFTER_MS,
    defaultServiceLevelMs: DEFAULT_SERVICE_LEVEL_MS,
  };
  // Over a million conversations the roll-up's read takes up to ~90 ms: off the event loop (ADR 36).
  const report = await ctx.store.readOnly((reader) => reader.reports.report(sumsQuery));
  return ctx.store.transaction(async (tx) => {
    const sums = sortCells(report.sums);
    const wrapUps = report.wrapUps;
    const keys = sums.flatMap((c) => (c.key === null ? [] : [c.key]));
    const keyName = await namesOf(tx, query.groupBy, keys);
    const reasonName = await namesOf(tx, 'reason', []);
    const rows = sums.map((cell: ReportSums): ReportRow => {
      const bucket = buckets[cell.bucket] ?? { start: 0, end: 0, label: '' };
      return {
        bucket: bucket.label,
        bucketStart: new Date(bucket.start).toISOString(),
        bucketEnd: new Date(bucket.end).toISOString(),
        key: cell.key,
        name: cell.key === null ? null : (keyName.get(cell.key) ?? null),
        ...figuresOf(cell),
        wrapUps: sortCells(wrapUps.filter((w) => w.bucket === cell.bucket && w.key === cell.key)).map(
          (w) => ({
            reasonId: w.reasonId,
            name: w.reasonId === null ? null : (reasonName.get(w.reasonId) ?? null),
            count: w.count,
          }),
        ),
      };
    });
    return {
      timeZone,
      from: query.from,
      to: query.to,
      bucket: query.bucket,
      groupBy: query.groupBy,
      generatedAt: new Date(now).toISOString(),
      buckets: buckets.map((b) => ({
        label: b.label,
        start: new Date(b.start).toISOString(),
        end: new Date(b.end).toISOString(),
      })),
      rows,
    };
  });
}

/** The names of a dimension's ids (deleted queues, users and numbers keep theirs). */
async function namesOf(
  tx: StoreTx,
  dimension: ReportDimension,
  keys: readonly string[],
): Promise<Map<string, string>> {
  switch (dimension) {
    case 'none':
      return new Map();
    case 'queue':
      return new Map((await tx.listQueues({ includeDeleted: true })).map((q) => [q.id, q.name]));
    case 'number':
      return new Map(
        (await tx.listBusinessNumbers({ includeDeleted: true })).map((n) => [n.id, n.displayPhoneNumber]),
      );
    case 'reason':
      return new Map((await tx.listWrapUpReasons()).map((r) => [r.id, r.name]));
    case 'agent': {
      const names = new Map<string, string>();
      for (const id of new Set(keys)) {
        const user = await tx.findUserById(id);
        if (user) names.set(id, user.displayName);
      }
      return names;
    }
  }
}
