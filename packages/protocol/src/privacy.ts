import { z } from 'zod';
import { messageViewSchema } from './views.ts';

/**
 * Issue 17, data protection: how long each class of data is kept (the retention job deletes what
 * is older, a batch at a time), and a customer's data exported (GDPR art. 15) or erased (art. 17).
 * Admin role only; export and erase also need the `customerData.export` / `customerData.erase`
 * permission, and every use is audited.
 */

export const privacyRoutes = {
  /** GET the retention periods, PUT a partial update (audited). */
  retention: '/api/admin/privacy/retention',
  /** GET ?identity=<wa_id or user id>: the customers with that identity (one per business number). */
  customers: '/api/admin/privacy/customers',
  /** GET: everything Parlo holds of the customer, as JSON with the media inline (audited). */
  customerExport: (id: string) => `/api/admin/privacy/customers/${encodeURIComponent(id)}/export`,
  /** POST: erases the customer (audited); 409 CUSTOMER_CONVERSATION_LIVE while a conversation is not closed. */
  customerErase: (id: string) => `/api/admin/privacy/customers/${encodeURIComponent(id)}/erase`,
} as const;

/** The shortest message retention: wamids (the ingest's dedupe key) are kept at least this long. */
export const MIN_MESSAGE_RETENTION_DAYS = 7;

export const retentionSettingsSchema = z.object({
  /** Messages and their media files are deleted this many days after they were stored; null keeps them. */
  messagesDays: z.number().int().min(MIN_MESSAGE_RETENTION_DAYS).max(36_500).nullable(),
  /**
   * Raw webhook delivery bodies are emptied this many hours after they arrived; the delivery row
   * (its id) is kept 7 days in any case, then deleted.
   */
  webhookBodyHours: z
    .number()
    .int()
    .min(1)
    .max(7 * 24),
  /** Audit entries older than this many days are deleted; null keeps them. */
  auditLogDays: z.number().int().min(30).max(36_500).nullable(),
  /** Agents' event logs (what a reconnecting desktop replays) are kept this many days. */
  agentEventsDays: z.number().int().min(1).max(3650),
});
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;
export const retentionResponseSchema = z.object({ retention: retentionSettingsSchema });
/** A partial update: only the fields present change. */
export const updateRetentionRequestSchema = retentionSettingsSchema.partial().strict();
export type UpdateRetentionRequest = z.infer<typeof updateRetentionRequestSchema>;

export const privacyCustomersQuerySchema = z
  .object({
    /** A wa_id (the customer's number, digits) or business-scoped user id, exactly as stored. */
    identity: z.string().trim().min(1).max(200),
  })
  .strict();

export const privacyCustomerViewSchema = z.object({
  id: z.string(),
  businessNumberId: z.string(),
  name: z.string(),
  waId: z.string(),
  userId: z.string().nullable(),
  username: z.string().nullable(),
  conversations: z.number().int(),
  /** Conversations not closed: an erase is refused while there is one. */
  liveConversations: z.number().int(),
});
export type PrivacyCustomerView = z.infer<typeof privacyCustomerViewSchema>;
export const privacyCustomersResponseSchema = z.object({ customers: z.array(privacyCustomerViewSchema) });

/** One conversation of an export: what the agent's transcript shows, unmasked. */
export const exportedConversationSchema = z.object({
  id: z.string(),
  queueName: z.string(),
  businessDisplayNumber: z.string(),
  receivedAt: z.iso.datetime({ offset: true }),
  phase: z.string(),
  messages: z.array(messageViewSchema),
});

export const exportedMediaSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  mimeType: z.string(),
  fileName: z.string().nullable(),
  /** The file's bytes, base64; null when the file was never fetched or is gone. */
  dataBase64: z.string().nullable(),
});

/** GDPR art. 15: everything Parlo holds of one customer (ADR 0018). */
export const customerExportSchema = z.object({
  exportedAt: z.iso.datetime({ offset: true }),
  customer: privacyCustomerViewSchema,
  conversations: z.array(exportedConversationSchema),
  media: z.array(exportedMediaSchema),
  /** Every stored column that holds the customer's data, by table (the erasure registry's view). */
  records: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
});
export type CustomerExport = z.infer<typeof customerExportSchema>;

/** What an erase removed, in counts only (the audit entry records the same). */
export const customerEraseResponseSchema = z.object({
  erased: z.object({
    customerId: z.string(),
    /** Rows deleted or overwritten, by table. */
    rows: z.record(z.string(), z.number().int()),
    mediaFiles: z.number().int(),
  }),
});
export type CustomerEraseResponse = z.infer<typeof customerEraseResponseSchema>;
