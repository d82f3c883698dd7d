import type { DeliveryStatus, MessageRow, StoreTx } from '../store/index.ts';
import type { Outgoing } from '../routing/engine.ts';
import { messageAudience } from '../views/index.ts';

const RANK: Record<DeliveryStatus, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/** A status never moves a message backwards; `failed` is final. */
export function advances(current: DeliveryStatus | null, next: DeliveryStatus): boolean {
  if (current === 'failed') return false;
  return RANK[next] > RANK[current ?? 'pending'];
}

/** Applies a delivery status to a stored outbound message and tells its holder. */
export async function applyDeliveryStatus(
  tx: StoreTx,
  out: Outgoing,
  message: MessageRow,
  status: DeliveryStatus,
  failureReason: string | null,
  _now: number,
): Promise<void> {
  const current = (await tx.findMessageById(message.id)) ?? message;
  if (!advances(current.status, status)) return;
  await tx.setMessageStatus(message.id, status, status === 'failed' ? failureReason : null);
  const updated: MessageRow = {
    ...current,
    status,
    failureReason: status === 'failed' ? failureReason : null,
  };
  const [details] = await tx.getConversationDetails([message.conversationId]);
  const audience = messageAudience(details);
  if (details && audience.length > 0) {
    const view = (await out.presenter()).message(updated, details);
    for (const agentId of audience) await out.emit(agentId, { type: 'message.upserted', message: view });
  }
}
