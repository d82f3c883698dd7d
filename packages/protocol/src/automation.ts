import { z } from 'zod';

/**
 * Issue 18: business hours per queue and the automatic messages (welcome, out of hours, closing).
 * Times are wall-clock times in the center's time zone (the `timeZone` setting); holidays are local
 * dates. A queue without business hours (or with them turned off) is always open. ADR 27.
 */
const seg = encodeURIComponent;
export const automationRoutes = {
  /** GET, PUT: a queue's business hours and out-of-hours reply. */
  businessHours: (queueId: string) => `/api/admin/queues/${seg(queueId)}/business-hours`,
  /** GET, PUT: the center's automatic messages (welcome, out of hours, closing). */
  automaticMessages: '/api/admin/automatic-messages',
} as const;

/** `HH:MM`, 00:00 to 23:59. */
export const wallTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

/**
 * One opening interval of the week: `day` 0 = Sunday .. 6 = Saturday. `to` at or before `from`
 * means the interval runs past midnight into the next day (22:00-06:00).
 */
export const openingIntervalSchema = z.object({
  day: z.number().int().min(0).max(6),
  from: wallTimeSchema,
  to: wallTimeSchema,
});
export type OpeningInterval = z.infer<typeof openingIntervalSchema>;

/** A local date, `YYYY-MM-DD`: the queue is closed that whole day. */
export const localDateSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'YYYY-MM-DD');

/** Out of hours: `wait` (queued, offered at opening) or `overflow` (routed to `overflowQueueId`). */
export const outOfHoursBehaviourSchema = z.enum(['wait', 'overflow']);
export type OutOfHoursBehaviour = z.infer<typeof outOfHoursBehaviourSchema>;

const replyText = z.string().trim().max(1024, 'too long');

export const businessHoursSchema = z.object({
  /** Off: the queue is always open (the default). */
  enabled: z.boolean(),
  intervals: z.array(openingIntervalSchema).max(50),
  holidays: z.array(localDateSchema).max(400),
  outOfHours: outOfHoursBehaviourSchema,
  /** Required with `overflow`: the queue that takes conversations arriving out of hours. */
  overflowQueueId: z.string().min(1).nullable(),
  /** The out-of-hours reply in English and Italian; empty: none in that language. */
  replyEn: replyText,
  replyIt: replyText,
});
export type BusinessHours = z.infer<typeof businessHoursSchema>;

export const businessHoursResponseSchema = z.object({
  businessHours: businessHoursSchema,
  /** Whether the queue is open now, in the center's time zone. */
  openNow: z.boolean(),
  /** The center's time zone the hours are read in. */
  timeZone: z.string(),
});
export type BusinessHoursResponse = z.infer<typeof businessHoursResponseSchema>;

export const updateBusinessHoursRequestSchema = businessHoursSchema.strict();
export type UpdateBusinessHoursRequest = z.infer<typeof updateBusinessHoursRequestSchema>;

/** One automatic message: on or off, its text in English and Italian. */
export const automaticMessageSchema = z.object({
  enabled: z.boolean(),
  textEn: replyText,
  textIt: replyText,
});
export type AutomaticMessage = z.infer<typeof automaticMessageSchema>;

/**
 * The center's automatic messages. The welcome text may say `{{position}}` (the customer's place
 * in the queue). Outside the customer's 24-hour window a text cannot be
 * sent: the approved template `fallbackTemplate` (of the conversation's number, in the customer's
 * language) is sent instead, or, without one, the message is skipped (logged).
 */
export const automaticMessagesSchema = z.object({
  welcome: automaticMessageSchema,
  /** Out of hours: on or off for every queue; each queue's text is in its business hours. */
  outOfHoursEnabled: z.boolean(),
  closing: automaticMessageSchema,
  fallbackTemplate: z
    .string()
    .trim()
    .max(512)
    .nullable()
    .transform((v) => (v === '' ? null : v)),
  /** The language of customers whose language is not known. */
  defaultLanguage: z.enum(['en', 'it']),
});
export type AutomaticMessages = z.infer<typeof automaticMessagesSchema>;

export const automaticMessagesResponseSchema = z.object({ automaticMessages: automaticMessagesSchema });
export type AutomaticMessagesResponse = z.infer<typeof automaticMessagesResponseSchema>;

export const updateAutomaticMessagesRequestSchema = automaticMessagesSchema.strict();
export type UpdateAutomaticMessagesRequest = z.infer<typeof updateAutomaticMessagesRequestSchema>;

/** Defaults: everything off, the out-of-hours reply on (it says nothing until a queue has a text). */
export const defaultAutomaticMessages: AutomaticMessages = {
  welcome: { enabled: false, textEn: '', textIt: '' },
  outOfHoursEnabled: true,
  closing: { enabled: false, textEn: '', textIt: '' },
  fallbackTemplate: null,
  defaultLanguage: 'en',
};

/** Always open: no schedule kept. */
export const defaultBusinessHours: BusinessHours = {
  enabled: false,
  intervals: [],
  holidays: [],
  outOfHours: 'wait',
  overflowQueueId: null,
  replyEn: '',
  replyIt: '',
};
