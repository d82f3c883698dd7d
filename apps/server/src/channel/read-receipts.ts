import type { MarkReadResponse } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../auth/sessions.ts';
import { commit, type ServerContext } from '../context.ts';
import { parseOr400 } from '../http/errors.ts';
import { defaultSettings, readSettings } from '../settings/index.ts';
import type { StoreTx } from '../store/index.ts';
import { participation } from '../templates/access.ts';
import { enqueueMarkRead } from './outbox.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });

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
 * sees blue ticks; `never` sends nothing. The desktop calls this whenever a conversation comes on
 * screen or a new customer message arrives while it is; the receipt goes through the outbox, so the
 * call never waits for WhatsApp.
 */
export function registerReadReceiptRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // A receipt already queued or sent for the same message is not sent again (per process).
  const lastMarked = new Map<string, string>();

  app.post('/api/conversations/:id/read', async (request): Promise<MarkReadResponse> => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    const queued = await commit(ctx, async (tx, _out, now) => {
      await participation(tx, user, id);
      const settings = await readSettings(tx, defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS));
      switch (settings.readReceipts) {
        case 'never':
          return false;
        case 'onOpen': {
          const wamid = await latestInboundWamid(tx, id);
          if (wamid === undefined || lastMarked.get(id) === wamid) return false;
          await enqueueMarkRead(tx, id, wamid, now);
          lastMarked.set(id, wamid);
          return true;
        }
      }
    });
    if (queued) ctx.kickOutbox();
    // Bounded: conversations come and go; forgetting one only risks a harmless second receipt.
    if (lastMarked.size > 10_000) lastMarked.clear();
    return { queued };
  });
}
