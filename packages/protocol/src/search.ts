import { z } from 'zod';
import { instantSchema } from './views.ts';
import { labelViewSchema } from './labels.ts';

/** Issue 15: search over conversations (supervisors and administrators; agents over their own). */
export const searchRoutes = {
  /** GET with `searchQuerySchema` -> `searchResponseSchema`. */
  conversations: '/api/search/conversations',
} as const;

/** The most results one search returns. */
export const MAX_SEARCH_RESULTS = 100;

const optionalText = z.string().trim().max(200).optional();
const optionalId = z.string().trim().min(1).max(200).optional();

/**
 * What to look for; each field given narrows the result. `text` and `customerName` match whole
 * words (the last also as a prefix); `number` matches exactly, in international format (digits,
 * spaces, `+`, `-`, brackets), and is never stored or logged; `from`/`to` bound when the
 * conversation arrived. At least one criterion is needed.
 */
export const searchQuerySchema = z
  .object({
    text: optionalText,
    customerName: optionalText,
    number: z
      .string()
      .trim()
      .regex(/^\+?[\d\s().-]{4,30}$/, 'not a phone number')
      .optional(),
    agentId: optionalId,
    queueId: optionalId,
    businessNumberId: optionalId,
    wrapUpReasonId: optionalId,
    /** Issue 18: conversations carrying this label (its id). */
    labelId: optionalId,
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_SEARCH_RESULTS).default(50),
  })
  .refine(
    (q) =>
      [
        q.text,
        q.customerName,
        q.number,
        q.agentId,
        q.queueId,
        q.businessNumberId,
        q.wrapUpReasonId,
        q.labelId,
        q.from,
        q.to,
      ].some((v) => v !== undefined && v !== ''),
    { message: 'give at least one criterion', path: ['text'] },
  );
export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** One conversation found, masked as every view is (S-12). */
export const searchHitSchema = z.object({
  conversationId: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  /** The customer's number in E.164, masked when masking is on; '' when unknown. */
  customerPhone: z.string(),
  customerUsername: z.string().nullable(),
  businessNumber: z.string(),
  queueName: z.string(),
  agentName: z.string().nullable(),
  wrapUpReasonName: z.string().nullable(),
  phase: z.enum(['queued', 'offered', 'active', 'wrapUp', 'closed']),
  receivedAt: instantSchema,
  closedAt: instantSchema.nullable(),
  /** Issue 18: the conversation's labels, by name. */
  labels: z.array(labelViewSchema).optional(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResponseSchema = z.object({ results: z.array(searchHitSchema) });
export type SearchResponse = z.infer<typeof searchResponseSchema>;
