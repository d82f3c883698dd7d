import { classifyGraphError, GraphApiError, type OutboundMessage } from '@parlo/whatsapp';
import { commit, type ServerContext } from '../../platform/index.ts';
import type { MessageRow, OutboxRow } from '../../store/index.ts';
import {
  applyDeliveryStatus,
  customerAddress,
  markReadPayloadSchema,
  outboundBody,
  sendPayloadSchema,
} from '../conversations/index.ts';
import { metricsOf } from '../metrics/index.ts';

/** A typing indicator queued longer ago than this is dropped: WhatsApp would show it for 25 s at most. */
const TYPING_STALE_MS = 20_000;

/** The longest a send waits in the drainer for its pacing slot; beyond, its row is put back. */
const MAX_PACING_WAIT_MS = 1000;

const MAX_ATTEMPTS = 8;
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 60_000;
/** Rows one node carries out at once (each waits on pacing and Graph, not on the CPU). */
const MAX_IN_FLIGHT = 64;
/** Rows read per pass. */
const PASS_ROWS = 16;
/** How often stranded sends are looked for. */
const STRANDED_CHECK_MS = 1000;
/** A send still marked this long after the Graph client's timeout is in flight nowhere (ADR 0008). */
const STRANDED_MARGIN_MS = 5_000;
/** Shown on the bubble of a send a crash left unsettled: it may or may not have reached WhatsApp. */
export const DELIVERY_UNKNOWN_REASON = 'Delivery unknown after restart: not resent, to avoid a duplicate';

/** Exponential backoff with full jitter: spreads retries so a recovering Graph API is not stampeded. */
export function backoffMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Carries out outbox rows after commit: one row per conversation at a time (the store hands out
 * only each conversation's oldest), so a conversation's messages reach WhatsApp in order.
 *
 * With several nodes on one database each node reads the same heads; a row is carried out only by
 * the node whose `claimOutbox` matched (claim -> pace -> Graph). The claim is the ADR 0008 mark, so
 * it is committed before anything reaches Graph, and a claimed head holds its conversation back.
 */
export class OutboxDrainer {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private stopped = false;
  /** The pass in flight, so that stopping can wait for it. */
  private passing: Promise<void> | undefined;
  /** Rows being carried out by this node (claim, pacing, Graph, record), by id. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private lastStrandedCheck = Number.NEGATIVE_INFINITY;
  constructor(private readonly ctx: ServerContext) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and resolves once the pass and every row in flight have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.passing;
    await Promise.all(this.inFlight.values());
  }

  /** Runs a pass now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.passing = this.pass();
    }, delay);
  }

  /**
   * Hands every due head row to its own carry-out and returns without waiting for them: a row
   * that finishes kicks the next pass at once, so a conversation's next message goes as soon as
   * the one before it is recorded, however long other rows wait for their pacing slot.
   */
  private async pass(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      do {
        this.again = false;
        await this.settleStrandedNowAndThen();
        const room = MAX_IN_FLIGHT - this.inFlight.size;
        if (room <= 0) break;
        const rows = await this.ctx.store.transaction((tx) =>
          tx.dueOutbox(this.ctx.clock(), Math.min(PASS_ROWS, room)),
        );
        const fresh = rows.filter((row) => !this.inFlight.has(row.id));
        for (const row of fresh) this.track(row);
        // A full page of rows not yet ours: there may be more due behind them.
        if (fresh.length === PASS_ROWS) this.again = true;
      } while (this.again && !this.stopped);
    } catch (err) {
      this.ctx.logger.error({ err }, 'outbox pass failed');
    } finally {
      this.running = false;
      this.schedule(this.ctx.config.OUTBOX_POLL_MS);
    }
  }

  private track(row: OutboxRow): void {
    const work = this.carryOut(row)
      .catch((err: unknown) => this.ctx.logger.error({ err, outboxId: row.id }, 'outbox row failed'))
      .finally(() => {
        this.inFlight.delete(row.id);
        this.kick();
      });
    this.inFlight.set(row.id, work);
  }

  /** Stranded sends are rare (a crash): looked for at most once a second, not on every kick. */
  private async settleStrandedNowAndThen(): Promise<void> {
    const now = this.ctx.clock();
    if (now - this.lastStrandedCheck < STRANDED_CHECK_MS) return;
    this.lastStrandedCheck = now;
    await this.settleStranded();
  }

  private async carryOut(row: OutboxRow): Promise<void> {
    switch (row.kind) {
      case 'whatsapp.send':
        return this.send(row);
      case 'whatsapp.markRead':
        return this.markRead(row);
    }
  }

  /**
   * Waits for the pacer's slot (per number, and per recipient for a message), the row claimed. False
   * when the slot is too far off: the row was put back for then (its claim released), without
   * counting an attempt.
   */
  private async paced(row: OutboxRow, numberId: string, recipient: string | undefined): Promise<boolean> {
    const decision = await this.ctx.bus.pacer.reserve(
      numberId,
      recipient,
      this.ctx.clock(),
      MAX_PACING_WAIT_MS,
    );
    if (!decision.go) {
      const lastError = row.lastError ?? 'paced';
      await this.ctx.store.transaction((tx) =>
        tx.rescheduleOutbox(row.id, decision.retryAt, row.attempts, lastError),
      );
      return false;
    }
    const wait = Math.min(MAX_PACING_WAIT_MS, decision.at - this.ctx.clock());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return true;
  }

  /**
   * Claims the row for this node (ADR 0008's mark, committed): false when another node (or this
   * one's earlier pass) got it first or it changed since it was read — then nothing is done with it.
   */
  private claim(row: OutboxRow): Promise<boolean> {
    return this.ctx.store.transaction((tx) => tx.claimOutbox(row, this.ctx.clock()));
  }

  private async markRead(row: OutboxRow): Promise<void> {
    if (!(await this.claim(row))) return;
    const { wamid, typing } = markReadPayloadSchema.parse(row.payload);
    // A typing indicator shows for 25 s at most: one the outbox could not send in time is moot.
    if (typing === true && this.ctx.clock() - row.createdAt > TYPING_STALE_MS) {
      await this.ctx.store.transaction((tx) => tx.deleteOutbox(row.id));
      return;
    }
    const number = await this.ctx.store.transaction(async (tx) => {
      const [details] = await tx.getConversationDetails([row.conversationId]);
      return details ? tx.findBusinessNumberById(details.businessNumberId) : undefined;
    });
    if (!number) {
      await this.ctx.store.transaction((tx) => tx.deleteOutbox(row.id));
      return;
    }
    if (!(await this.paced(row, number.id, undefined))) return;
    try {
      if (typing === true)
        await this.ctx.graph.markReadWithTyping(number.phoneNumberId, number.accessToken, wamid);
      else await this.ctx.graph.markRead(number.phoneNumberId, number.accessToken, wamid);
      await this.ctx.store.transaction((tx) => tx.deleteOutbox(row.id));
    } catch (err) {
      const verdict = classifyGraphError(err);
      const code = err instanceof GraphApiError ? err.code : undefined;
      await this.throttle(number.id, undefined, code);
      if (verdict === 'retry' && row.attempts + 1 < MAX_ATTEMPTS) {
        const dueAt = this.ctx.clock() + backoffMs(row.attempts, Math.random);
        const reason = err instanceof GraphApiError ? describeGraphError(err) : 'Internal error';
        await this.ctx.store.transaction((tx) =>
          tx.rescheduleOutbox(row.id, dueAt, row.attempts + 1, reason),
        );
        return;
      }
      // A read receipt is a courtesy: one that cannot be sent is dropped, never shown as a failure.
      await this.ctx.store.transaction((tx) => tx.deleteOutbox(row.id));
      this.ctx.logger.warn({ event: 'whatsapp.markReadFailed', code, verdict }, 'read receipt not sent');
    }
  }

  /** WhatsApp said slow down: the pacer holds the number (130429) or the recipient (131056). */
  private async throttle(
    numberId: string,
    recipient: string | undefined,
    code: number | undefined,
  ): Promise<void> {
    const now = this.ctx.clock();
    const pacer = this.ctx.bus.pacer;
    if (code === 130429) await pacer.throttleNumber(numberId, now);
    if (code === 131056 && recipient !== undefined) await pacer.throttleRecipient(numberId, recipient, now);
  }

  private async send(row: OutboxRow): Promise<void> {
    const rowId = row.id;
    const attempts = row.attempts;
    // At most once (ADR 0008): the claim marks the row and is committed before Graph is called, so
    // a crash from here to the settling commit leaves a marked row that is never resent blindly
    // (see settleStranded); and of several nodes that read this head, only one gets here.
    if (!(await this.claim(row))) return;
    const { messageId, template } = sendPayloadSchema.parse(row.payload);
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
      const address = customerAddress(details);
      // Built before the pacing slot is taken: nothing between the slot and the call to Graph may
      // wait on the database, or sends paced apart would reach WhatsApp bunched together.
      const body: OutboundMessage =
        template === undefined
          ? // Text, or an agent's attachment by media id; a reply carries context.message_id.
            await outboundBody(this.ctx.store, message, address)
          : {
              type: 'template',
              ...address,
              template: {
                name: template.name,
                language: { code: template.language },
                ...(template.components.length > 0 ? { components: template.components } : {}),
              },
            };
      if (!(await this.paced(row, number.id, details.customerWaId))) return;
      const { wamid } = await this.ctx.graph.sendMessage(number.phoneNumberId, number.accessToken, {
        ...body,
        // Echoed in the status webhooks: they can name this message even if we never learn the wamid.
        biz_opaque_callback_data: message.id,
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
      const code = err instanceof GraphApiError ? err.code : undefined;
      metricsOf(this.ctx).sendFailed(number.id, code);
      await this.throttle(number.id, details.customerWaId, code);
      await this.failed(rowId, message, attempts, err);
    }
  }

  /**
   * Sends a crash left between "handed to Graph" and "recorded" (ADR 0008): WhatsApp may have
   * accepted them, so they are not resent. One a status webhook already tied to its message (by
   * biz_opaque_callback_data) went out; the others fail with a reason the agent sees.
   */
  private async settleStranded(): Promise<void> {
    const before = this.ctx.clock() - this.ctx.config.GRAPH_API_TIMEOUT_MS - STRANDED_MARGIN_MS;
    const rows = await this.ctx.store.transaction((tx) => tx.strandedOutbox(before, 64));
    for (const row of rows) {
      // Several nodes may find the same stranded row: the delete (or the release) that matched
      // settles it, and only that node acts, so 'failed' is applied once.
      const settled = await commit(this.ctx, async (tx, out, now) => {
        if (row.kind !== 'whatsapp.send') {
          // A read receipt is idempotent at Meta: doing it twice is harmless, so it is put back.
          return row.sendingAt == null
            ? false
            : tx.releaseStrandedOutbox(row.id, row.sendingAt, now, 'stranded');
        }
        if (!(await tx.deleteOutbox(row.id))) return false;
        const parsed = sendPayloadSchema.safeParse(row.payload);
        const message = parsed.success ? await tx.findMessageById(parsed.data.messageId) : undefined;
        if (message && message.wamid === null) {
          await applyDeliveryStatus(tx, out, message, 'failed', DELIVERY_UNKNOWN_REASON, now);
        }
        return true;
      });
      if (!settled) continue;
      this.ctx.logger.warn(
        { event: 'whatsapp.sendStranded', outboxId: row.id },
        'send left unsettled by a crash: not resent',
      );
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
      // Not ours any more only if the row was settled as stranded meanwhile: that applied 'failed'.
      if (await tx.deleteOutbox(rowId)) await applyDeliveryStatus(tx, out, message, 'failed', reason, now);
    });
  }
}

/** Meta's reason as the agent reads it on the bubble: its title, its details, its code. */
export function describeGraphError(err: GraphApiError): string {
  const title = err.title ?? err.message;
  const details = err.details !== undefined && err.details !== title ? `: ${err.details}` : '';
  return err.code !== undefined ? `${title}${details} (${err.code})` : `${title}${details}`;
}
