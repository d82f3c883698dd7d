import type { Outgoing } from '../../platform/index.ts';
import type { DeliveryStatus, MessageRow, StoreTx } from '../../store/index.ts';
import { audienceOf, Presenter } from '../../views/index.ts';
import { pushToWatchers } from './messages.ts';

const RANK: Record<DeliveryStatus, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/** A status never moves a message backwards; `failed` is final. */
export function advances(current: DeliveryStatus | null, next: DeliveryStatus): boolean {
  if (current === 'failed') return false;
  return RANK[next] > RANK[current ?? 'pending'];
}

/** Applies a delivery status to a stored outbound message and tells its watchers. */
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
  if (details && audienceOf(details).watchers.length > 0)
    pushToWatchers(out, details, (await Presenter.of(tx)).message(updated, details));
}
