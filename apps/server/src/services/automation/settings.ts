/**
 * Issue 18: the center's automatic messages (welcome, out of hours, closing), one JSON setting read
 * in the caller's transaction, so a decision and the messages it sends agree.
 */
import { automaticMessagesSchema, defaultAutomaticMessages, type AutomaticMessages } from '@parlo/protocol';
import type { StoreTx } from '../../store/index.ts';

/** The settings key (the `settings` table) of the automatic messages. */
export const AUTOMATIC_MESSAGES_KEY = 'automation.messages';

/** The automatic messages in force: the administrator's, else the defaults (welcome and closing off). */
export async function readAutomaticMessages(tx: Pick<StoreTx, 'getSetting'>): Promise<AutomaticMessages> {
  const raw = await tx.getSetting(AUTOMATIC_MESSAGES_KEY);
  if (raw === undefined) return defaultAutomaticMessages;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return defaultAutomaticMessages;
  }
  const parsed = automaticMessagesSchema.safeParse(json);
  return parsed.success ? parsed.data : defaultAutomaticMessages;
}

/** Stores them whole; the caller audits the change. */
export async function writeAutomaticMessages(
  tx: Pick<StoreTx, 'setSetting'>,
  messages: AutomaticMessages,
): Promise<void> {
  await tx.setSetting(AUTOMATIC_MESSAGES_KEY, JSON.stringify(messages));
}
