import { randomUUID } from 'node:crypto';
import { classifyGraphError, GraphApiError } from '@parlo/whatsapp';
import { z } from 'zod';
import { commit, type ServerContext } from '../context.ts';
import type { MessageRow, StoreTx } from '../store/index.ts';
import { displayPhone } from '../views/index.ts';
import { applyDeliveryStatus } from './statuses.ts';

const sendPayloadSchema = z.object({ messageId: z.string() });

const MAX_ATTEMPTS = 8;
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 60_000;

let sequence = 0;

/** Outbox ids sort in creation order, even for two rows of one millisecond. */
function outboxId(now: number): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${now.toString().padStart(15, '0')}_${sequence.toString().padStart(6, '0')}_${randomUUID()}`;
}

/** Queues a WhatsApp send of `message` in the caller's transaction. */
export async function enqueueSend(tx: StoreTx, message: MessageRow, now: number): Promise<void> {
  await tx.enqueueOutbox({
    id: outboxId(now),
    kind: 'whatsapp.send',
    conversationId: message.conversationId,
    payload: { messageId: message.id },
    createdAt: now,
    dueAt: now,
    attempts: 0,
    lastError: null,
  });
}

/** Exponential backoff with full jitter: spreads retries so a recovering Graph API is not stampeded. */
export function backoffMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Carries out outbox rows after commit: one row per conversation at a time (the store hands out
 * only each conversation's oldest), so a conversation's messages reach WhatsApp in order.
 */
export class OutboxDrainer {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(private readonly ctx: ServerContext) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Runs a pass now (or right after the current one). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), delay);
  }

  private async pass(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      do {
        this.again = false;
        const rows = await this.ctx.store.transaction((tx) => tx.dueOutbox(this.ctx.clock(), 16));
        await Promise.all(rows.map((row) => this.carryOut(row.id, row.payload, row.attempts)));
        if (rows.length === 16) this.again = true;
      } while (this.again && !this.stopped);
    } catch (err) {
      this.ctx.logger.error({ err }, 'outbox pass failed');
    } finally {
      this.running = false;
      this.schedule(this.ctx.config.OUTBOX_POLL_MS);
    }
  }

  private async carryOut(rowId: string, payload: unknown, attempts: number): Promise<void> {
    const { messageId } = sendPayloadSchema.parse(payload);
    const target = await this.ctx.store.transaction(async (tx) => {
      const message = await tx.findMessageById(messageId);
      if (!message) return undefined;
      const [details] = await tx.getConversationDetails([message.conversationId]);
      const number = details ? await tx.findBusinessNumberById(details.businessNumberId) : undefined;
      return message && details && number ? { message, details, number } : undefined;
    });
    if (!target) {
      await this.ctx.store.transaction((tx) => tx.deleteOutbox(rowId));
      return;
    }
    const { message, details, number } = target;
    try {
      const { wamid } = await this.ctx.graph.sendMessage(number.phoneNumberId, number.accessToken, {
        type: 'text',
        to: displayPhone(details.customerWaId),
        text: { body: message.text, preview_url: false },
      });
      await commit(this.ctx, async (tx, out, now) => {
        await tx.setMessageWamid(message.id, wamid);
        await tx.deleteOutbox(rowId);
        // Statuses that raced ahead of this commit were parked; apply them now.
        for (const early of await tx.takePendingStatuses(wamid)) {
          await applyDeliveryStatus(tx, out, { ...message, wamid }, early.status, early.failureReason, now);
        }
      });
      this.ctx.logger.info(
        { event: 'whatsapp.sent', messageId: message.id, wamid },
        'message accepted by WhatsApp',
      );
    } catch (err) {
      await this.failed(rowId, message, attempts, err);
    }
  }

  private async failed(rowId: string, message: MessageRow, attempts: number, err: unknown): Promise<void> {
    const graphError = err instanceof GraphApiError ? err : undefined;
    const verdict = graphError ? classifyGraphError(graphError) : 'retry';
    const reason = graphError ? describeGraphError(graphError) : 'Internal error while sending';
    this.ctx.logger.warn(
      { event: 'whatsapp.sendFailed', messageId: message.id, code: graphError?.code, verdict, attempts },
      'send failed',
    );
    if (verdict === 'retry' && attempts + 1 < MAX_ATTEMPTS) {
      const dueAt = this.ctx.clock() + backoffMs(attempts, Math.random);
      await this.ctx.store.transaction((tx) => tx.rescheduleOutbox(rowId, dueAt, attempts + 1, reason));
      return;
    }
    // Permanent (or out of retries): the failure comes back as an event on the agent's bubble.
    await commit(this.ctx, async (tx, out, now) => {
      await tx.deleteOutbox(rowId);
      await applyDeliveryStatus(tx, out, message, 'failed', reason, now);
    });
  }
}

function describeGraphError(err: GraphApiError): string {
  return err.code !== undefined ? `${err.message} (${err.code})` : err.message;
}
