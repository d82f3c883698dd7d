import type { Snapshot } from '@parlo/protocol';
import { holdersOf, lookup } from '@parlo/core';
import type { StoreTx } from '../../store/index.ts';
import { audienceOf, Presenter, toAgentView } from '../../views/index.ts';
import { detailsById, loadNames } from './engine.ts';

/**
 * The whole picture of one agent's desktop, or undefined if the user is not an agent. It shows
 * what the events show: pending offers (routing, transfer, conference), and every conversation the
 * agent sees — as owner, as joined guest, or in their own wrap-up after leaving it.
 */
export async function buildSnapshot(tx: StoreTx, agentId: string): Promise<Snapshot | undefined> {
  const state = await tx.routing.read();
  const world = lookup(state);
  const agent = world.agent(agentId);
  const user = await tx.findUserById(agentId);
  if (!agent || !user) return undefined;

  // Everything the agent sees or is offered is among what they hold (their load): O(load), not O(world).
  const held = world.heldBy(agentId).flatMap((id) => world.conversation(id) ?? []);
  const offers = held
    .flatMap((c) => {
      const phase = c.phase;
      if (phase.kind === 'offered' && phase.agentId === agentId) return world.offer(phase.offerId) ?? [];
      if (phase.kind === 'active' && phase.guest?.kind === 'requested' && phase.guest.agentId === agentId)
        return world.offer(phase.guest.offerId) ?? [];
      return [];
    })
    .filter((o) => o.agentId === agentId && o.status.kind === 'pending');
  const seen = held.filter((c) => audienceOf(c).viewers.includes(agentId));
  const details = await detailsById(tx, [...offers.map((o) => o.conversationId), ...seen.map((c) => c.id)]);
  const mentioned = new Set<string>();
  for (const c of seen) for (const id of holdersOf(c)) mentioned.add(id);
  for (const o of offers) if (o.purpose && o.purpose.kind !== 'route') mentioned.add(o.purpose.fromAgentId);
  const names = await loadNames(tx, mentioned);

  const presenter = await Presenter.load(tx);
  const snapshot: Snapshot = { agent: toAgentView(agent, user, state), offers: [], conversations: [] };
  for (const offer of offers) {
    const d = details.get(offer.conversationId);
    if (d) snapshot.offers.push(presenter.offer(offer, d, names));
  }
  for (const conversation of seen) {
    const d = details.get(conversation.id);
    const view = d ? presenter.conversation(conversation, d, { agentId, names }) : null;
    if (view) snapshot.conversations.push(view);
  }
  return snapshot;
}
