import type { MarkReadResponse } from '@parlo/protocol';
import { commit, defaultSettings, readSettings, type ServerContext } from '../../platform/index.ts';
import type { StoreTx, UserRow } from '../../store/index.ts';
import { conversationFor } from './access.ts';
import { enqueueMarkRead } from './outbox-rows.ts';

/** The newest customer message of the conversation that WhatsApp knows (has a wamid). */
async function latestInboundWamid(tx: StoreTx, conversationId: string): Promise<string | undefined> {
  const messages = await tx.listMessages(conversationId);
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message && message.direction === 'inbound' && message.wamid !== null) return message.wamid;
  }
  return undefined;
}

/**
 * Mark as read (issue 4), by the administrator's `readReceipts` policy: `onOpen` (default) marks the
 * newest customer message read when an agent opens (or accepts) the conversation — the customer
 * sees blue ticks; `never` sends nothing. The desktop asks whenever a conversation comes on screen
 * or a new customer message arrives while it is; the receipt goes through the outbox, so the
 * request never waits for WhatsApp. One per server.
 */
export class ReadReceipts {
  /** A receipt already queued or sent for the same message is not sent again (per process). */
  private readonly lastMarked = new Map<string, string>();
  /** When each conversation's last typing indicator was queued (per process). */
  private readonly lastTyping = new Map<string, number>();

  constructor(private readonly ctx: ServerContext) {}

  /** Marks the conversation read for its customer, if the policy says so; its watchers only. */
  async markRead(user: UserRow, conversationId: string): Promise<MarkReadResponse> {
    const ctx = this.ctx;
    const queued = await commit(ctx, async (tx, _out, now) => {
      await conversationFor(tx, user, conversationId, 'watchers');
      const settings = await readSettings(tx, defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS));
      switch (settings.readReceipts) {
        case 'never':
          return false;
        case 'onOpen': {
          const wamid = await latestInboundWamid(tx, conversationId);
          if (wamid === undefined || this.lastMarked.get(conversationId) === wamid) return false;
          await enqueueMarkRead(tx, conversationId, wamid, now);
          this.lastMarked.set(conversationId, wamid);
          return true;
        }
      }
    });
    if (queued) ctx.kickOutbox();
    // Bounded: conversations come and go; forgetting one only risks a harmless second receipt.
    if (this.lastMarked.size > 10_000) this.lastMarked.clear();
    return { queued };
  }

  /**
   * The agent is typing a reply: WhatsApp's typing indicator (issue 14), which also marks the
   * customer's latest message read — so only where the policy marks messages read. It lasts 25 s
   * or until the reply: one per conversation per {@link TYPING_INTERVAL_MS} keeps it on while the
   * agent types, without a call per keystroke.
   */
  async typing(user: UserRow, conversationId: string): Promise<MarkReadResponse> {
    const ctx = this.ctx;
    const last = this.lastTyping.get(conversationId);
    const queued = await commit(ctx, async (tx, _out, now) => {
      await conversationFor(tx, user, conversationId, 'watchers');
      if (last !== undefined && now - last < TYPING_INTERVAL_MS) return false;
      const settings = await readSettings(tx, defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS));
      if (settings.readReceipts === 'never') return false;
      const wamid = await latestInboundWamid(tx, conversationId);
      if (wamid === undefined) return false;
      await enqueueMarkRead(tx, conversationId, wamid, now, true);
      this.lastTyping.set(conversationId, now);
      this.lastMarked.set(conversationId, wamid);
      return true;
    });
    if (queued) ctx.kickOutbox();
    if (this.lastTyping.size > 10_000) this.lastTyping.clear();
    return { queued };
  }
}

/** At most one typing indicator per conversation in this long (WhatsApp shows one for 25 s). */
export const TYPING_INTERVAL_MS = 20_000;
