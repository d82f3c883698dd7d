import { z } from 'zod';
import { webhookContactSchema } from './webhook-schema.ts';

// Webhook fields besides `messages` that an agent's work depends on. Loose, like the rest: Meta adds
// fields without notice. Sources (Meta's webhook references) are listed in docs/whatsapp/.

/** An id Meta writes as a JSON number in some payloads and as a string in others. */
const idSchema = z.union([z.string(), z.number().transform(String)]);
/** Unix seconds, as a number or a numeric string. */
const unixSecondsSchema = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

/** One element of `user_preferences[]`: a user stopped or resumed marketing messages. */
export const userPreferenceSchema = z.looseObject({
  /** The user's phone number; omitted when Meta may not share it. */
  wa_id: z.string().optional(),
  /** The user's BSUID. */
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
  /** Meta's human-readable description of the change. */
  detail: z.string().optional(),
  /** `marketing_messages`. */
  category: z.string(),
  /** `stop` or `resume`. */
  value: z.string(),
  timestamp: unixSecondsSchema,
});
export type UserPreference = z.infer<typeof userPreferenceSchema>;

/** The `value` of a change whose `field` is `user_preferences`. */
export const userPreferencesValueSchema = z.looseObject({
  messaging_product: z.literal('whatsapp').optional(),
  metadata: z.looseObject({ display_phone_number: z.string(), phone_number_id: z.string() }),
  contacts: z.array(webhookContactSchema).optional(),
  user_preferences: z.array(userPreferenceSchema),
});
export type UserPreferencesValue = z.infer<typeof userPreferencesValueSchema>;

/**
 * The `value` of a change whose `field` is `message_template_status_update`: a template was approved,
 * rejected, paused, disabled, archived, ... (`event`). WABA-level: no `metadata`.
 */
export const templateStatusUpdateValueSchema = z.looseObject({
  /** The new status, e.g. `APPROVED`, `REJECTED`, `PAUSED`, `DISABLED`, `ARCHIVED`, `UNARCHIVED`. */
  event: z.string(),
  message_template_id: idSchema,
  message_template_name: z.string(),
  message_template_language: z.string(),
  /** Why (`NONE` on approval). */
  reason: z.string().nullish(),
  message_template_category: z.string().optional(),
  disable_info: z.looseObject({ disable_date: z.unknown().optional() }).optional(),
  other_info: z.looseObject({ title: z.string().optional(), description: z.string().optional() }).optional(),
});
export type TemplateStatusUpdateValue = z.infer<typeof templateStatusUpdateValueSchema>;

/**
 * The `value` of a change whose `field` is `template_category_update`. Either an *impending* change
 * (`correct_category`, `new_category` = the current category, `category_update_timestamp`) or a
 * *completed* one (`previous_category`, `new_category`).
 */
export const templateCategoryUpdateValueSchema = z.looseObject({
  message_template_id: idSchema,
  message_template_name: z.string(),
  message_template_language: z.string(),
  previous_category: z.string().optional(),
  new_category: z.string().optional(),
  correct_category: z.string().optional(),
  category_update_timestamp: unixSecondsSchema.optional(),
});
export type TemplateCategoryUpdateValue = z.infer<typeof templateCategoryUpdateValueSchema>;

/** The subscribed fields, besides `messages`, that {@link flattenWebhookUpdates} understands. */
export const ACCOUNT_UPDATE_FIELDS = [
  'user_preferences',
  'message_template_status_update',
  'template_category_update',
] as const;
export type AccountUpdateField = (typeof ACCOUNT_UPDATE_FIELDS)[number];
