import { z } from 'zod';

/**
 * Issue 18: customer satisfaction (CSAT). After a conversation's wrap-up, and only while the
 * customer's 24-hour window is open, the customer may be asked one question as a WhatsApp
 * interactive message — three faces (reply buttons) or 1-5 (a list) — and their first answer
 * before the survey expires is recorded on the conversation. ADR 28.
 */
export const csatRoutes = {
  /** GET, PUT (administrators; audited). */
  settings: '/api/admin/csat',
} as const;

/** `three`: three faces (scores 1, 3, 5); `five`: 1 to 5. */
export const csatScaleSchema = z.enum(['three', 'five']);
export type CsatScale = z.infer<typeof csatScaleSchema>;

/** The longest an answer window may be: WhatsApp's customer-service window. */
export const CSAT_MAX_WINDOW_HOURS = 24;

const question = z.string().trim().min(1, 'required').max(1024, 'too long');
const thanks = z.string().trim().max(1024, 'too long');

export const csatSettingsSchema = z.object({
  /** Off by default: no survey is sent. */
  enabled: z.boolean(),
  scale: csatScaleSchema,
  /** The question, by the customer's language (Italian for `it`, else English). */
  questionEn: question,
  questionIt: question,
  /** How long an answer counts after the survey was sent, at most WhatsApp's 24-hour window. */
  windowHours: z.number().int().min(1).max(CSAT_MAX_WINDOW_HOURS),
  /** Sent after a recorded answer; empty: none. */
  thanksEn: thanks,
  thanksIt: thanks,
});
export type CsatSettings = z.infer<typeof csatSettingsSchema>;

export const csatSettingsResponseSchema = z.object({ settings: csatSettingsSchema });
export type CsatSettingsResponse = z.infer<typeof csatSettingsResponseSchema>;

/** PUT body: the whole settings object. */
export const updateCsatSettingsRequestSchema = csatSettingsSchema.strict();
export type UpdateCsatSettingsRequest = z.infer<typeof updateCsatSettingsRequestSchema>;

/** The customer's recorded answer on a conversation: `score` 1..5 (three faces: 1, 3, 5). */
export const csatResultViewSchema = z.object({
  score: z.number().int().min(1).max(5),
  scale: csatScaleSchema,
  answeredAt: z.string(),
});
export type CsatResultView = z.infer<typeof csatResultViewSchema>;
