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
}
