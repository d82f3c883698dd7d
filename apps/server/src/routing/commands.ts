import { holdersOf, type RoutingEvent, type RoutingState, lookup } from '@parlo/core';
import { ApiError, type ConversationView } from '@parlo/protocol';
import { z } from 'zod';
import { rejectionError } from '../http/errors.ts';
import type { StoreTx } from '../store/index.ts';
import { decideAndApply, detailsById, loadNames, type Outgoing } from './engine.ts';

/** The `:id` of a route about one offer or conversation. */
export const idParams = z.object({ id: z.string().min(1).max(200) });

/** Runs one routing command; a refusal becomes its API error and rolls the transaction back. */
export async function runCommand(
  tx: StoreTx,
  out: Outgoing,
  event: RoutingEvent,
  now: number,
): Promise<RoutingState> {
  const decision = await decideAndApply(tx, out, event, now);
  if (decision.kind === 'rejected') throw rejectionError(decision.rejection);
  return decision.state;
}

/** This agent's view of the conversation after a command: what the route answers with. */
export async function conversationViewAfter(
  tx: StoreTx,
  out: Outgoing,
  state: RoutingState,
  conversationId: string,
  agentId: string,
): Promise<ConversationView> {
  const conversation = lookup(state).conversation(conversationId);
  const details = (await detailsById(tx, [conversationId])).get(conversationId);
  if (!conversation || !details) throw new ApiError('INTERNAL', 'The conversation has no view');
  const names = await loadNames(tx, holdersOf(conversation));
  const view = (await out.presenter()).conversation(conversation, details, { agentId, names });
  if (!view) throw new ApiError('INTERNAL', 'The conversation has no view for this agent');
  return view;
}
