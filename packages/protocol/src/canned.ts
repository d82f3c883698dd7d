import { z } from 'zod';

/**
 * Issue 18: canned responses. A queue's (supervisors and administrators keep them; agents of the
 * queue use them) or an agent's own. The composer finds them by shortcut after `/`; using one
 * asks the server to fill its placeholders for a conversation, masked as every view (S-12).
 *
 * Placeholders: `{{customer.name}}`, `{{customer.first_name}}`, `{{agent.name}}`,
 * `{{agent.first_name}}`, `{{queue.name}}`, and any CAD variable of the conversation by its key
 * (`{{orderId}}`, `{{parlo.entryTime}}`).
 */
const seg = encodeURIComponent;
export const cannedRoutes = {
  /** GET: the responses the caller may use (agents) or keep (console: `?all=true`); POST: a new one. */
  list: '/api/canned-responses',
  /** PATCH, DELETE. */
  one: (id: string) => `/api/canned-responses/${seg(id)}`,
  /** POST: a response's text filled for a conversation the caller handles. */
  render: (conversationId: string, id: string) =>
    `/api/conversations/${seg(conversationId)}/canned-responses/${seg(id)}/render`,
} as const;

export const cannedShortcutSchema = z
  .string()
  .trim()
  .min(1, 'required')
  .max(32, 'too long')
  .regex(/^[\p{L}\p{N}_-]+$/u, 'letters, digits, - and _');

export const cannedResponseViewSchema = z.object({
  id: z.string(),
  /** A queue's response; null for a personal one. */
  queueId: z.string().nullable(),
  /** true: the caller's own. */
  personal: z.boolean(),
  shortcut: z.string(),
  title: z.string(),
  /** With its placeholders, as written. */
  body: z.string(),
  language: z.string().nullable(),
  /** Whether the caller may change or delete it. */
  editable: z.boolean(),
});
export type CannedResponseView = z.infer<typeof cannedResponseViewSchema>;

export const cannedResponsesResponseSchema = z.object({ responses: z.array(cannedResponseViewSchema) });
export type CannedResponsesResponse = z.infer<typeof cannedResponsesResponseSchema>;

export const cannedListQuerySchema = z.object({
  /** The console's list: every response (supervisors and administrators). */
  all: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

const cannedFields = {
  shortcut: cannedShortcutSchema,
  title: z.string().trim().min(1, 'required').max(100, 'too long'),
  /** WhatsApp's text limit, placeholders included. */
  body: z.string().trim().min(1, 'required').max(4096, 'too long'),
  language: z
    .string()
    .regex(/^[a-z]{2}$/, 'a two-letter language code')
    .nullable(),
};

/** `queueId` null: a personal response (the caller's own); set: that queue's (supervisors, admins). */
export const createCannedResponseRequestSchema = z
  .object({
    ...cannedFields,
    language: cannedFields.language.default(null),
    queueId: z.string().min(1).nullable(),
  })
  .strict();
export type CreateCannedResponseRequest = z.input<typeof createCannedResponseRequestSchema>;

export const updateCannedResponseRequestSchema = z.object(cannedFields).partial().strict();
export type UpdateCannedResponseRequest = z.infer<typeof updateCannedResponseRequestSchema>;

export const renderedCannedResponseSchema = z.object({
  text: z.string(),
  /** Placeholders with nothing to fill them (left empty in `text`). */
  missing: z.array(z.string()),
});
export type RenderedCannedResponse = z.infer<typeof renderedCannedResponseSchema>;
