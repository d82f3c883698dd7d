import { z } from 'zod';

/**
 * Issue 16: historical reports (supervisors and administrators). Figures are computed from the
 * append-only interaction events; each conversation counts in the day or hour (in the center's
 * time zone) it arrived in. Definitions: ADR 22.
 */
export const reportsRoutes = {
  /** GET with `reportQuerySchema` -> `reportResponseSchema`, or CSV (`format=csv` or `Accept: text/csv`). */
  kpis: '/api/reports/kpis',
} as const;

/** The most local days one report spans (by day or total), and by hour. */
export const MAX_REPORT_DAYS = 366;
export const MAX_REPORT_HOURLY_DAYS = 31;

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date: YYYY-MM-DD');

export const reportBucketSchema = z.enum(['day', 'hour', 'total']);
export type ReportBucket = z.infer<typeof reportBucketSchema>;
export const reportGroupBySchema = z.enum(['none', 'queue', 'agent', 'number', 'reason']);
export type ReportGroupBy = z.infer<typeof reportGroupBySchema>;

/** Local days `from`..`to` (inclusive) in the center's time zone, per day, hour or in total. */
export const reportQuerySchema = z.object({
  from: localDate,
  to: localDate,
  bucket: reportBucketSchema.default('day'),
  groupBy: reportGroupBySchema.default('none'),
  format: z.enum(['json', 'csv']).optional(),
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

const seconds = z.number().nonnegative().nullable();

/** One row of a report: a bucket and a key of the dimension, with its figures. */
export const reportRowSchema = z.object({
  /** 'YYYY-MM-DD' (day, total) or 'YYYY-MM-DDTHH:00+hh:mm' (hour, with the zone's offset). */
  bucket: z.string(),
  bucketStart: z.iso.datetime({ offset: true }),
  bucketEnd: z.iso.datetime({ offset: true }),
  /** The id of the queue, agent, business number or wrap-up reason; null: none, or not applicable. */
  key: z.string().nullable(),
  /** Its name (kept for deleted ones); null with the key. */
  name: z.string().nullable(),
  /** Conversations that reached the center. */
  offered: z.number().int().nonnegative(),
  /** Conversations an agent accepted (the first acceptance). */
  answered: z.number().int().nonnegative(),
  /** Never answered, and ended or the customer silent 24 h (ADR 22). */
  abandoned: z.number().int().nonnegative(),
  /** Answered within the queue's threshold ÷ (answered + abandoned), %. */
  serviceLevelPercent: z.number().nullable(),
  /** Average speed of answer. */
  asaSeconds: seconds,
  /** Average handle time: an owner's acceptance to their wrap-up. */
  ahtSeconds: seconds,
  /** Average time from the customer's first message to the first agent message. */
  firstResponseSeconds: seconds,
  /** Offers that lapsed (the agent went to RONA). */
  rona: z.number().int().nonnegative(),
  declined: z.number().int().nonnegative(),
  transfers: z.number().int().nonnegative(),
  conferences: z.number().int().nonnegative(),
  /** Satisfaction-survey answers (issue 18's CSAT). */
  csatAnswers: z.number().int().nonnegative(),
  /** Their average score, 1..5; null without answers. */
  csatAverage: z.number().nullable(),
  wrapUps: z.array(
    z.object({ reasonId: z.string().nullable(), name: z.string().nullable(), count: z.number().int() }),
  ),
});
export type ReportRow = z.infer<typeof reportRowSchema>;

export const reportResponseSchema = z.object({
  /** The center's time zone the buckets are in. */
  timeZone: z.string(),
  from: z.string(),
  to: z.string(),
  bucket: reportBucketSchema,
  groupBy: reportGroupBySchema,
  generatedAt: z.iso.datetime({ offset: true }),
  /** Every bucket of the range, in order (rows exist only where something happened). */
  buckets: z.array(
    z.object({
      label: z.string(),
      start: z.iso.datetime({ offset: true }),
      end: z.iso.datetime({ offset: true }),
    }),
  ),
  rows: z.array(reportRowSchema),
});
export type ReportResponse = z.infer<typeof reportResponseSchema>;
