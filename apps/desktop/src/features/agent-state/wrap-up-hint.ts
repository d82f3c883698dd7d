import type { AgentView, ConversationView } from '@parlo/protocol';

/**
 * How many wrap-ups the agent must submit before the router can offer them anything, or 0 when
 * wrap-ups are not what holds offers back. Conversations in wrap-up count against capacity until
 * submitted: an Available agent at capacity with some of them waiting gets no offers, and is told
 * why ("Available — finish 1 wrap-up to receive contacts"). When submitting every wrap-up would
 * still leave the agent full (active conversations), there is nothing to finish: 0.
 */
export function wrapUpsToFinish(agent: AgentView, conversations: readonly ConversationView[]): number {
  if (agent.state.kind !== 'available') return 0;
  const wrapUps = conversations.filter((c) => c.phase === 'wrapUp').length;
  const needed = agent.load - agent.capacity + 1;
  return needed > 0 && needed <= wrapUps ? needed : 0;
}
