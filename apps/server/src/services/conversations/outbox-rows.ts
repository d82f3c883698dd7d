/**
 * The outbox rows an agent's actions queue in their own transaction — a message to send, a read
 * receipt — and their payloads, which the drainer (`services/channel`) parses back after commit.
 */
import { randomUUID } from 'node:crypto';
import { templateComponentSchema } from '@parlo/whatsapp';
import { z } from 'zod';
import type { MessageRow, StoreTx } from '../../store/index.ts';

/** A template send carries what Graph needs beside the message row (whose text is the rendering). */
const templateSendSchema = z.object({
  name: z.string(),
  language: z.string(),
  components: z.array(templateComponentSchema),
});
export type TemplateSend = z.infer<typeof templateSendSchema>;
/** The payload of a `whatsapp.send` row. */
export const sendPayloadSchema = z.object({ messageId: z.string(), template: templateSendSchema.optional() });
/** The payload of a `whatsapp.markRead` row. */
export const markReadPayloadSchema = z.object({
  wamid: z.string(),
  /** With WhatsApp's typing indicator (the agent is typing a reply). */
  typing: z.boolean().optional(),
});

let sequence = 0;

/** Outbox ids sort in creation order, even for two rows of one millisecond. */
function outboxId(now: number): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${now.toString().padStart(15, '0')}_${sequence.toString().padStart(6, '0')}_${randomUUID()}`;
}

/** Queues a WhatsApp send of `message` (a template one with `template`) in the caller's transaction. */
export async function enqueueSend(
  tx: StoreTx,
  message: MessageRow,
  now: number,
  template?: TemplateSend,
): Promise<void> {
  await tx.enqueueOutbox({
    id: outboxId(now),
    kind: 'whatsapp.send',
    conversationId: message.conversationId,
    payload: template === undefined ? { messageId: message.id } : { messageId: message.id, template },
    createdAt: now,
    dueAt: now,
    attempts: 0,
    lastError: null,
  });
}

/**
 * Queues a read receipt for the customer message `wamid` (WhatsApp reads every earlier one with it).
 * Through the outbox, behind the conversation's pending sends, so the agent's request never waits
 * for Graph.
 */
export async function enqueueMarkRead(
  tx: StoreTx,
  conversationId: string,
  wamid: string,
  now: number,
  typing = false,
): Promise<void> {
  await tx.enqueueOutbox({
    id: outboxId(now),
    kind: 'whatsapp.markRead',
    conversationId,
    payload: typing ? { wamid, typing } : { wamid },
    createdAt: now,
    dueAt: now,
    attempts: 0,
    lastError: null,
  });
}
