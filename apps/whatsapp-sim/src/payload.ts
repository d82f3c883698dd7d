import type { WebhookPayloadInput } from '@parlo/whatsapp';
import type { SimNumber } from './config.ts';

/**
 * One thing to tell Parlo, before it is grouped into a payload: number-level elements of a `messages`
 * or `user_preferences` change, or a WABA-level change (template updates, which have no metadata).
 */
export interface Update {
  /** Signs the payload (its app secret) and places number-level elements under its metadata. */
  number: SimNumber;
  /** What the delivery record says, e.g. `message`, `status:sent`, `template_status`. */
  label: string;
  /** Number-level field; default `messages`. */
  field?: 'messages' | 'user_preferences';
  contacts?: unknown[];
  messages?: unknown[];
  statuses?: unknown[];
  userPreferences?: unknown[];
  /** A WABA-level change (`message_template_status_update`, `template_category_update`). */
  wabaChange?: { field: string; value: unknown };
  onAcked?: () => void;
}

interface ChangeParts {
  number: SimNumber;
  field: 'messages' | 'user_preferences';
  contacts: unknown[];
  messages: unknown[];
  statuses: unknown[];
  userPreferences: unknown[];
}

// A contact is one user: merged by BSUID (always there), else by phone number.
function contactKey(contact: unknown): string | undefined {
  const c = contact as { user_id?: string; wa_id?: string };
  return c.user_id ?? c.wa_id;
}

/**
 * Groups updates into Meta's shape: an entry per WABA, a change per (number, field) with its arrays
 * merged in order, then the WABA-level changes. Entries with WABA-level changes carry `time`.
 */
export function buildPayload(updates: readonly Update[], nowSeconds: number): WebhookPayloadInput {
  const entries = new Map<string, { changes: Map<string, ChangeParts>; waba: Update['wabaChange'][] }>();
  for (const update of updates) {
    const entry = entries.get(update.number.wabaId) ?? { changes: new Map<string, ChangeParts>(), waba: [] };
    entries.set(update.number.wabaId, entry);
    if (update.wabaChange !== undefined) {
      entry.waba.push(update.wabaChange);
      continue;
    }
    const field = update.field ?? 'messages';
    const key = `${update.number.phoneNumberId}:${field}`;
    const change: ChangeParts = entry.changes.get(key) ?? {
      number: update.number,
      field,
      contacts: [],
      messages: [],
      statuses: [],
      userPreferences: [],
    };
    entry.changes.set(key, change);
    for (const contact of update.contacts ?? []) {
      const id = contactKey(contact);
      if (!change.contacts.some((c) => contactKey(c) === id)) change.contacts.push(contact);
    }
    change.messages.push(...(update.messages ?? []));
    change.statuses.push(...(update.statuses ?? []));
    change.userPreferences.push(...(update.userPreferences ?? []));
  }
  return {
    object: 'whatsapp_business_account',
    entry: [...entries].map(([wabaId, { changes, waba }]) => ({
      id: wabaId,
      ...(waba.length > 0 ? { time: nowSeconds } : {}),
      changes: [
        ...[...changes.values()].map(({ number, field, contacts, messages, statuses, userPreferences }) => ({
          value: {
            messaging_product: 'whatsapp' as const,
            metadata: {
              display_phone_number: number.displayPhoneNumber,
              phone_number_id: number.phoneNumberId,
            },
            ...(contacts.length > 0 ? { contacts } : {}),
            ...(messages.length > 0 ? { messages } : {}),
            ...(statuses.length > 0 ? { statuses } : {}),
            ...(field === 'user_preferences' ? { user_preferences: userPreferences } : {}),
          },
          field,
        })),
        ...waba.flatMap((change) =>
          change === undefined ? [] : [{ value: change.value, field: change.field }],
        ),
      ],
    })),
  };
}
