import { lookup } from '@parlo/core';
import type { Outgoing } from '../../platform/index.ts';
import type { StoreTx } from '../../store/index.ts';
import { audienceOf, Presenter } from '../../views/index.ts';
import { decideAndApply, loadNames } from '../routing/index.ts';

/**
 * S-7 (issue 18): after an admin deleted a business number or a queue, its conversations nobody
 * accepted yet are withdrawn: a pending offer goes from the agent's desktop (it could only be
 * accepted into a stopped conversation) and the conversation closes unanswered. Returns how many.
 */
export async function withdrawUnaccepted(
  tx: StoreTx,
  out: Outgoing,
  of: { businessNumberId: string } | { queueId: string },
  now: number,
): Promise<number> {
  const ids = await tx.liveConversationIdsOf(of);
  let withdrawn = 0;
  for (const id of ids) {
    const phase = lookup(await tx.routing.read()).conversation(id)?.phase.kind;
    if (phase !== 'queued' && phase !== 'offered') continue;
    await decideAndApply(tx, out, { type: 'conversation.withdrawn', conversationId: id }, now);
    withdrawn++;
  }
  return withdrawn;
}

/**
 * S-7: after an admin deleted a business number or a queue, every agent who sees one of its live
 * conversations (owner, joined guest, a participant still wrapping up) gets the conversation
 * again, now with `blockedBy` set (the Presenter computes it from the deleted row), so the
 * desktop warns and leaves only End. (Queued and offered ones are withdrawn first:
 * `withdrawUnaccepted`.) Returns how many conversations were pushed.
 */
export async function pushBlockedConversations(
  tx: StoreTx,
  out: Outgoing,
  of: { businessNumberId: string } | { queueId: string },
): Promise<number> {
  const ids = await tx.liveConversationIdsOf(of);
  if (ids.length === 0) return 0;
  const state = await tx.routing.read();
  const details = new Map((await tx.getConversationDetails(ids)).map((d) => [d.id, d]));
  const presenter = await Presenter.of(tx);
  let pushed = 0;
  for (const id of ids) {
    const conversation = lookup(state).conversation(id);
    const d = details.get(id);
    if (!conversation || !d) continue;
    const { viewers } = audienceOf(conversation);
    if (viewers.length === 0) continue;
    const phase = conversation.phase;
    // The owner's view names an asked-for guest too ("Conference requested").
    const named = phase.kind === 'active' && phase.guest ? [...viewers, phase.guest.agentId] : viewers;
    const names = await loadNames(tx, new Set(named));
    for (const agentId of new Set(viewers)) {
      const view = presenter.conversation(conversation, d, { agentId, names });
      if (view) out.emit(agentId, { type: 'conversation.upserted', conversation: view });
    }
    pushed++;
  }
  return pushed;
}
