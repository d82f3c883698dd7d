import type { Snapshot } from '@parlo/protocol';
import type { StoreTx } from '../store/index.ts';
import { detailsById } from '../routing/engine.ts';
import { Presenter, toAgentView } from '../views/index.ts';

/** The whole picture of one agent's desktop, or undefined if the user is not an agent. */
export async function buildSnapshot(tx: StoreTx, agentId: string): Promise<Snapshot | undefined> {
  const state = await tx.loadRoutingState();
  const agent = state.agents[agentId];
  const user = await tx.findUserById(agentId);
  if (!agent || !user) return undefined;

  const offers = Object.values(state.offers).filter(
    (o) => o.agentId === agentId && o.status.kind === 'pending',
  );
  const owned = Object.values(state.conversations).filter(
    (c) => (c.phase.kind === 'active' || c.phase.kind === 'wrapUp') && c.phase.ownerId === agentId,
  );
  const details = await detailsById(tx, [...offers.map((o) => o.conversationId), ...owned.map((c) => c.id)]);

  const presenter = await Presenter.load(tx);
  const snapshot: Snapshot = { agent: toAgentView(agent, user, state), offers: [], conversations: [] };
  for (const offer of offers) {
    const d = details.get(offer.conversationId);
    if (d) snapshot.offers.push(presenter.offer(offer, d));
  }
  for (const conversation of owned) {
    const d = details.get(conversation.id);
    const view = d ? presenter.conversation(conversation, d) : null;
    if (view) snapshot.conversations.push(view);
  }
  return snapshot;
}
