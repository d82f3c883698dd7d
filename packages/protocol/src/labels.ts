import { z } from 'zod';

/**
 * Issue 18: labels (tags) on conversations. Administrators define them (a name, a color from a
 * fixed palette, an optional description); agents working a conversation set and unset them from
 * the conversation pane; they show as chips in the task list and in search results, filter the
 * search, and are counted by arrival day in the labels report (ADR 26).
 */
const seg = encodeURIComponent;
export const labelRoutes = {
  /** GET: every label (any signed-in user; the picker and the filters). */
  list: '/api/labels',
  /** GET with `conversationIds=a,b` -> `assignedLabelsResponseSchema` (the caller's task list). */
  assigned: '/api/labels/assigned',
  /** POST: a new label (administrators). */
  admin: '/api/admin/labels',
  /** PATCH, DELETE (administrators). */
  adminOne: (id: string) => `/api/admin/labels/${seg(id)}`,
  /** GET: a conversation's labels. */
  conversation: (conversationId: string) => `/api/conversations/${seg(conversationId)}/labels`,
  /** PUT: set the label on the conversation; DELETE: unset it. */
  conversationLabel: (conversationId: string, labelId: string) =>
    `/api/conversations/${seg(conversationId)}/labels/${seg(labelId)}`,
  /** GET with `labelReportQuerySchema` -> `labelReportResponseSchema` (supervisors, administrators). */
  report: '/api/reports/labels',
} as const;

/**
 * The palette: tokens, never hex values, so each theme (light, dark) draws them with its own
 * accessible pair of background and text colors.
 */
export const LABEL_COLORS = ['gray', 'red', 'orange', 'yellow', 'green', 'teal', 'blue', 'purple'] as const;
export const labelColorSchema = z.enum(LABEL_COLORS);
export type LabelColor = z.infer<typeof labelColorSchema>;

export const LABEL_NAME_MAX = 40;

export const labelViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  color: labelColorSchema,
  description: z.string().nullable(),
});
export type LabelView = z.infer<typeof labelViewSchema>;

export const labelsResponseSchema = z.object({ labels: z.array(labelViewSchema) });
export type LabelsResponse = z.infer<typeof labelsResponseSchema>;

const labelFields = {
  name: z.string().trim().min(1, 'required').max(LABEL_NAME_MAX, 'too long'),
  color: labelColorSchema,
  description: z.string().trim().max(200, 'too long').nullable(),
};

export const createLabelRequestSchema = z
  .object({ ...labelFields, description: labelFields.description.default(null) })
  .strict();
export type CreateLabelRequest = z.input<typeof createLabelRequestSchema>;

export const updateLabelRequestSchema = z.object(labelFields).partial().strict();
export type UpdateLabelRequest = z.infer<typeof updateLabelRequestSchema>;

export const labelResponseSchema = z.object({ label: labelViewSchema });

/** A conversation's labels, by name. */
export const conversationLabelsSchema = z.object({
  conversationId: z.string(),
  labels: z.array(labelViewSchema),
});
export type ConversationLabels = z.infer<typeof conversationLabelsSchema>;

/** The most conversations one `assigned` request asks about (a task list is far shorter). */
export const MAX_ASSIGNED_QUERY = 100;

export const assignedLabelsQuerySchema = z.object({
  conversationIds: z
    .string()
    .max(MAX_ASSIGNED_QUERY * 210)
    .transform((s) => s.split(',').filter((id) => id !== ''))
    .pipe(z.array(z.string().min(1).max(200)).max(MAX_ASSIGNED_QUERY)),
});

/** The labels of the conversations asked about that the caller may read (others are left out). */
export const assignedLabelsResponseSchema = z.object({ conversations: z.array(conversationLabelsSchema) });
export type AssignedLabelsResponse = z.infer<typeof assignedLabelsResponseSchema>;

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date: YYYY-MM-DD');

/** Local days `from`..`to` (inclusive) in the center's time zone, per day or in total. */
export const labelReportQuerySchema = z.object({
  from: localDate,
  to: localDate,
  bucket: z.enum(['day', 'total']).default('day'),
});
export type LabelReportQuery = z.infer<typeof labelReportQuerySchema>;

/** One bucket and label: the conversations that arrived in the bucket and carry the label now. */
export const labelReportRowSchema = z.object({
  bucket: z.string(),
  bucketStart: z.iso.datetime({ offset: true }),
  bucketEnd: z.iso.datetime({ offset: true }),
  labelId: z.string(),
  name: z.string(),
  color: labelColorSchema,
  conversations: z.number().int().nonnegative(),
});
export type LabelReportRow = z.infer<typeof labelReportRowSchema>;

export const labelReportResponseSchema = z.object({
  timeZone: z.string(),
  from: z.string(),
  to: z.string(),
  bucket: z.enum(['day', 'total']),
  /** Rows exist only where a count is not zero; by bucket, then label name. */
  rows: z.array(labelReportRowSchema),
});
export type LabelReportResponse = z.infer<typeof labelReportResponseSchema>;
