import type { z } from 'zod';
import {
  templateCategoryUpdateValueSchema,
  templateStatusUpdateValueSchema,
  userPreferencesValueSchema,
  type AccountUpdateField,
} from './account-updates.ts';
import {
  customerOfMessage,
  identityOf,
  inboundDetails,
  nonEmpty,
  recipientOfStatus,
  type CustomerIdentity,
  type InboundDetails,
} from './inbound-details.ts';
import {
  isMessagesChange,
  type InboundMessage,
  type MessageStatus,
  type WebhookError,
  type WebhookPayload,
} from './webhook-schema.ts';

/** Where an update came from: which business number, under which WABA. */
export interface WebhookOrigin {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

/** One update of a business number from a webhook payload: a message, a status, or an error. */
export type WebhookEvent =
  | (WebhookOrigin & {
      kind: 'message';
      message: InboundMessage;
      /** The sender's profile name, from `value.contacts[]` matched by user_id or wa_id. */
      contactName: string | undefined;
      /** Who sent it: BSUID, phone number (if shared), username, profile name. */
      customer: CustomerIdentity;
      /** Forwarding, ad referral, product asked about, order, identity change, reaction, errors. */
      details: InboundDetails;
    })
  | (WebhookOrigin & {
      kind: 'status';
      status: MessageStatus;
      /** Who the message went to (`recipient_user_id`, `recipient_id`, and the status's contact). */
      recipient: CustomerIdentity;
    })
  | (WebhookOrigin & { kind: 'error'; error: WebhookError });

/** A customer stopped (`optedOut: true`) or resumed (`false`) marketing messages from a business number. */
export interface UserPreferenceEvent extends WebhookOrigin {
  kind: 'preference';
  customer: CustomerIdentity;
  /** `marketing_messages`. */
  category: string;
  /** Meta's value: `stop` or `resume`. */
  value: string;
  /** True for `stop`, false for `resume`, undefined for a value not known here. */
  optedOut: boolean | undefined;
  detail: string | undefined;
  /** Unix seconds. */
  timestamp: number;
}

/** A template's status changed (approved, rejected, paused, disabled, ...). WABA-wide. */
export interface TemplateStatusEvent {
  kind: 'templateStatus';
  wabaId: string;
  /** Meta's template id, as a string (ids beyond 2^53 may lose digits in JSON: match name + language too). */
  templateId: string;
  name: string;
  language: string;
  /** Meta's `event`, e.g. `APPROVED`, `REJECTED`, `PAUSED`, `DISABLED`. */
  status: string;
  reason: string | undefined;
  category: string | undefined;
}

/** A template's category changed (`changed`), or will change (`pending`). WABA-wide. */
export interface TemplateCategoryEvent {
  kind: 'templateCategory';
  wabaId: string;
  templateId: string;
  name: string;
  language: string;
  phase: 'changed' | 'pending';
  /** The category in force now (Meta's `new_category`). */
  category: string | undefined;
  /** For `changed`: the category before. */
  previousCategory: string | undefined;
  /** For `pending`: the category it will get (`correct_category`). */
  upcomingCategory: string | undefined;
  /** For `pending`: when it will change (unix seconds). */
  effectiveAt: number | undefined;
}

/** A change of a field this package knows whose value did not parse: log it, do not reject the batch. */
export interface MalformedChangeEvent {
  kind: 'malformedChange';
  wabaId: string;
  field: AccountUpdateField;
  issues: string[];
}

/** Every update {@link flattenWebhookUpdates} yields. */
export type WebhookUpdate =
  WebhookEvent | UserPreferenceEvent | TemplateStatusEvent | TemplateCategoryEvent | MalformedChangeEvent;

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

/**
 * Flattens a payload into all its updates, in payload order: every message and status (and
 * value-level error) of every `messages` change, every `user_preferences` element, and every
 * template status or category update. Changes of other fields are skipped; a known field whose value
 * does not parse yields a `malformedChange` (one odd change must not make Meta retry a whole batch).
 */
export function flattenWebhookUpdates(payload: WebhookPayload): WebhookUpdate[] {
  const updates: WebhookUpdate[] = [];
  for (const entry of payload.entry) {
    const wabaId = entry.id;
    for (const change of entry.changes) {
      if (isMessagesChange(change)) {
        const value = change.value;
        const origin: WebhookOrigin = {
          wabaId,
          phoneNumberId: value.metadata.phone_number_id,
          displayPhoneNumber: value.metadata.display_phone_number,
        };
        const contacts = value.contacts ?? [];
        for (const message of value.messages ?? []) {
          const customer = customerOfMessage(message, contacts);
          updates.push({
            ...origin,
            kind: 'message',
            message,
            contactName: customer.profileName,
            customer,
            details: inboundDetails(message),
          });
        }
        for (const status of value.statuses ?? []) {
          updates.push({ ...origin, kind: 'status', status, recipient: recipientOfStatus(status, contacts) });
        }
        for (const error of value.errors ?? []) updates.push({ ...origin, kind: 'error', error });
        continue;
      }
      switch (change.field) {
        case 'user_preferences': {
          const parsed = userPreferencesValueSchema.safeParse(change.value);
          if (!parsed.success) {
            updates.push({
              kind: 'malformedChange',
              wabaId,
              field: 'user_preferences',
              issues: issuesOf(parsed.error),
            });
            break;
          }
          const value = parsed.data;
          const origin: WebhookOrigin = {
            wabaId,
            phoneNumberId: value.metadata.phone_number_id,
            displayPhoneNumber: value.metadata.display_phone_number,
          };
          for (const preference of value.user_preferences) {
            const customer = identityOf(
              { userId: preference.user_id, parentUserId: preference.parent_user_id, waId: preference.wa_id },
              value.contacts ?? [],
            );
            updates.push({
              ...origin,
              kind: 'preference',
              customer,
              category: preference.category,
              value: preference.value,
              optedOut:
                preference.value === 'stop' ? true : preference.value === 'resume' ? false : undefined,
              detail: nonEmpty(preference.detail),
              timestamp: preference.timestamp,
            });
          }
          break;
        }
        case 'message_template_status_update': {
          const parsed = templateStatusUpdateValueSchema.safeParse(change.value);
          if (!parsed.success) {
            updates.push({
              kind: 'malformedChange',
              wabaId,
              field: 'message_template_status_update',
              issues: issuesOf(parsed.error),
            });
            break;
          }
          const value = parsed.data;
          updates.push({
            kind: 'templateStatus',
            wabaId,
            templateId: value.message_template_id,
            name: value.message_template_name,
            language: value.message_template_language,
            status: value.event,
            reason: nonEmpty(value.reason),
            category: nonEmpty(value.message_template_category),
          });
          break;
        }
        case 'template_category_update': {
          const parsed = templateCategoryUpdateValueSchema.safeParse(change.value);
          if (!parsed.success) {
            updates.push({
              kind: 'malformedChange',
              wabaId,
              field: 'template_category_update',
              issues: issuesOf(parsed.error),
            });
            break;
          }
          const value = parsed.data;
          const pending = value.correct_category !== undefined && value.previous_category === undefined;
          updates.push({
            kind: 'templateCategory',
            wabaId,
            templateId: value.message_template_id,
            name: value.message_template_name,
            language: value.message_template_language,
            phase: pending ? 'pending' : 'changed',
            category: nonEmpty(value.new_category),
            previousCategory: nonEmpty(value.previous_category),
            upcomingCategory: pending ? nonEmpty(value.correct_category) : undefined,
            effectiveAt: value.category_update_timestamp,
          });
          break;
        }
        default:
          // Other subscribed fields (account_update, ...) are not this package's business.
          break;
      }
    }
  }
  return updates;
}

/**
 * Flattens a payload into the updates of its business numbers' `messages` changes: every message and
 * status (and value-level error), in payload order. Use {@link flattenWebhookUpdates} to also get
 * marketing preferences and template updates.
 */
export function flattenWebhook(payload: WebhookPayload): WebhookEvent[] {
  return flattenWebhookUpdates(payload).filter(
    (u): u is WebhookEvent => u.kind === 'message' || u.kind === 'status' || u.kind === 'error',
  );
}
