import { z } from 'zod';

/** Settings an administrator changes at run time. */
export const settingsSchema = z.object({
  /** S-10: mask PCI (cards, IBAN, SSN) and personal data (emails, phones) toward agents. */
  maskSensitiveData: z.boolean(),
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
