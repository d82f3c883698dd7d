import { randomUUID } from 'node:crypto';
import { ApiError } from '@parlo/protocol';
import type { CustomerProfileRow, HistoryConversationRow, StoreTx, UserRow } from '../../store/index.ts';
import { audienceOf } from '../../views/index.ts';

/**
 * Who may read what of a customer's history (issue 15, ADR 15):
 *
 * - supervisors and administrators, and agents holding `history.readAll`, read everything;
 * - an agent reads what they took part in (owned, or left by transfer or conference exit);
 * - an agent handling a customer's conversation now (one of its viewers) reads that customer's
 *   record and earlier conversations: the interaction pane shows them (a returning customer).
 *
 * Reading the transcript of a conversation the reader took no part in is audited.
 */
export async function readsEverything(tx: StoreTx, user: UserRow): Promise<boolean> {
  if (user.role === 'supervisor' || user.role === 'admin') return true;
  return tx.hasPermission(user.id, 'history.readAll');
}

/** Why the caller may read a customer's history; throws 403 when they may not. */
export type Grant = 'tookPart' | 'everything' | 'liveConversation';

/** Whether `user` handles a conversation of this customer right now (owner, guest, wrapping up). */
async function handlesCustomerNow(tx: StoreTx, user: UserRow, customerId: string): Promise<boolean> {
  const live = await tx.findLiveConversationOfCustomer(customerId);
  return live !== undefined && audienceOf(live).viewers.includes(user.id);
}

/** The customer's profile if `user` may read it: 404 when there is none, 403 FORBIDDEN otherwise. */
export async function customerFor(
  tx: StoreTx,
  user: UserRow,
  customerId: string,
): Promise<{ profile: CustomerProfileRow; grant: Grant }> {
  const profile = await tx.findCustomerProfile(customerId);
  if (!profile) throw new ApiError('NOT_FOUND', 'No such customer');
  if (await readsEverything(tx, user)) return { profile, grant: 'everything' };
  if (await handlesCustomerNow(tx, user, customerId)) return { profile, grant: 'liveConversation' };
  if (await tx.agentTookPartWithCustomer(user.id, customerId)) return { profile, grant: 'tookPart' };
  throw new ApiError('FORBIDDEN', 'This customer is handled by other agents');
}

/**
 * A conversation's history row if `user` may read its transcript (see above), and whether they
 * took part in it. 404 when there is none, 403 NOT_CONVERSATION_OWNER otherwise.
 */
export async function transcriptFor(
  tx: StoreTx,
  user: UserRow,
  conversationId: string,
): Promise<{ row: HistoryConversationRow; grant: Grant }> {
  const row = await tx.findHistoryConversation(conversationId);
  if (!row) throw new ApiError('NOT_FOUND', 'No such conversation');
  const participants = (await tx.participantsOf([conversationId])).get(conversationId) ?? [];
  const [details] = await tx.getConversationDetails([conversationId]);
  if (participants.includes(user.id) || audienceOf(details).viewers.includes(user.id))
    return { row, grant: 'tookPart' };
  if (await readsEverything(tx, user)) return { row, grant: 'everything' };
  if (await handlesCustomerNow(tx, user, row.customerId)) return { row, grant: 'liveConversation' };
  throw new ApiError('NOT_CONVERSATION_OWNER', 'This conversation belongs to other agents');
}

/** Writes the audit row of reading someone else's transcript (never its content). */
export async function auditTranscriptRead(
  tx: StoreTx,
  user: UserRow,
  at: number,
  row: HistoryConversationRow,
  grant: Grant,
): Promise<void> {
  if (grant === 'tookPart') return;
  await tx.insertAudit({
    id: `aud_${randomUUID()}`,
    at,
    actorUserId: user.id,
    action: 'history.transcript.read',
    subject: row.id,
    detail: { customerId: row.customerId, grant },
  });
}
