import { z } from 'zod';

/** Settings an administrator changes at run time. */
export const settingsSchema = z.object({
  /** S-10: mask PCI (cards, IBAN, SSN) and personal data (emails, phones) toward agents. */
  maskSensitiveData: z.boolean(),
  /**
   * S-17: what becomes of a conversation whose transfer to an agent was not accepted: back to its
   * original queue at the head (a customer is never lost), or ended.
   */
  transferNotAcceptedPolicy: z.enum(['returnToQueue', 'endConversation']),
  /** When Parlo tells WhatsApp the customer's messages were read: when an agent opens them, or never. */
  readReceipts: z.enum(['onOpen', 'never']),
  /** In a conference, prefix each agent's message to the customer with the agent's first name. */
  conferenceSignatures: z.boolean(),
  /** How long an agent whose desktop disconnected keeps their conversations before they re-queue. */
  disconnectGraceSeconds: z.number().int().min(0).max(3600),
});
export type Settings = z.infer<typeof settingsSchema>;

export const settingsResponseSchema = z.object({ settings: settingsSchema });

/** A partial update: only the fields present change. */
export const updateSettingsRequestSchema = settingsSchema.partial().strict();
export type UpdateSettingsRequest = z.infer<typeof updateSettingsRequestSchema>;

export const adminRoutes = {
  settings: '/api/admin/settings',
  audit: '/api/admin/audit',
  reveal: '/api/reveal',
} as const;

/** One masked value to see in clear; needs the `reveal` permission and is written to the audit log. */
export const revealRequestSchema = z.discriminatedUnion('field', [
  z.object({ field: z.literal('customerPhone'), conversationId: z.string().min(1) }),
  z.object({ field: z.literal('messageText'), messageId: z.string().min(1) }),
]);
export type RevealRequest = z.infer<typeof revealRequestSchema>;
export const revealResponseSchema = z.object({ value: z.string() });

export const auditEntryViewSchema = z.object({
  id: z.string(),
  at: z.iso.datetime({ offset: true }),
  actorUserId: z.string(),
  action: z.string(),
  subject: z.string(),
  detail: z.unknown(),
});
export const auditResponseSchema = z.object({ entries: z.array(auditEntryViewSchema) });
