import type { Conversation, RoutingEffect, RoutingLookup } from '@parlo/core';
import { timeOrderedId } from '../../platform/index.ts';
import type {
  ConversationDetails,
  InteractionEventKind,
  InteractionEventRow,
  StoreTx,
} from '../../store/index.ts';

type Fields = Partial<
  Pick<InteractionEventRow, 'agentId' | 'durationMs' | 'reasonId' | 'detail' | 'queueId'>
>;

/**
 * The interaction events (ADR 22) one routing decision produced, appended in the decision's
 * transaction with one multi-row insert: what reports are computed from. Ids only — no name,
 * number or text of a customer. `now` is the decision's instant.
 */
export async function recordRoutingEvents(
  tx: StoreTx,
  effects: readonly RoutingEffect[],
  was: RoutingLookup,
  is: RoutingLookup,
  details: ReadonlyMap<string, ConversationDetails>,
  now: number,
): Promise<void> {
  const drafts: { conversationId: string; kind: InteractionEventKind; at: number; fields: Fields }[] = [];
  const add = (conversationId: string, kind: InteractionEventKind, at: number, fields: Fields = {}): void => {
    drafts.push({ conversationId, kind, at, fields });
  };
  /** Accepted routing offers: the first of a conversation is its answer, any later one is not. */
  const answers: { conversationId: string; at: number; agentId: string }[] = [];
  const changed = new Set<string>();
  for (const effect of effects) {
    switch (effect.kind) {
      case 'offerMade':
        add(effect.offer.conversationId, 'offered', effect.offer.createdAt, {
          agentId: effect.offer.agentId,
          detail: effect.offer.purpose?.kind ?? 'route',
        });
        break;
      case 'offerEnded': {
        const { offer } = effect;
        const purpose = offer.purpose?.kind ?? 'route';
        switch (offer.status.kind) {
          case 'accepted':
            if (purpose === 'route')
              answers.push({
                conversationId: offer.conversationId,
                at: offer.status.at,
                agentId: offer.agentId,
              });
            else
              add(offer.conversationId, 'accepted', offer.status.at, {
                agentId: offer.agentId,
                detail: purpose,
              });
            break;
          case 'lapsed':
            add(offer.conversationId, 'rona', offer.status.at, { agentId: offer.agentId, detail: purpose });
            break;
          case 'declined':
            add(offer.conversationId, 'declined', offer.status.at, {
              agentId: offer.agentId,
              detail: purpose,
            });
            break;
          case 'rescinded':
          case 'pending':
            break;
        }
        break;
      }
      case 'conversationChanged':
        // A decision may report a conversation changed more than once: its phase moved once.
        if (changed.has(effect.conversationId)) break;
        changed.add(effect.conversationId);
        phaseEvents(
          effect.conversationId,
          was.conversation(effect.conversationId),
          is.conversation(effect.conversationId),
          add,
        );
        break;
      case 'participantWrappedUp':
        add(effect.conversationId, 'wrapped_up', effect.at, {
          agentId: effect.participant.agentId,
          // The queue they handled it in (a transfer moved the conversation on without them).
          queueId: effect.participant.queueId,
          reasonId: effect.reasonId,
          detail: effect.participant.role,
          durationMs: effect.at - effect.participant.acceptedAt,
        });
        break;
      case 'conversationTransferred':
        add(effect.conversationId, 'transferred', now, {
          agentId: effect.fromAgentId,
          detail: effect.target.kind,
        });
        break;
      case 'conferenceJoined':
        add(effect.conversationId, 'conference', now, { agentId: effect.ownerId, detail: effect.guestId });
        break;
      case 'conversationOverflowed':
        add(effect.conversationId, 'overflowed', now, {
          queueId: effect.toQueueId,
          detail: effect.fromQueueId,
        });
        break;
      case 'conversationRequeued':
        add(effect.conversationId, 'requeued', now, { agentId: effect.agentId });
        break;
      case 'agentStateChanged':
      case 'timerArmed':
      case 'timerCancelled':
      case 'transferNotAccepted':
      case 'conferenceRequestDropped':
      case 'guestLeft':
        break;
    }
  }
  if (answers.length > 0) {
    // One indexed read, only when a routing offer was accepted: a requeued conversation's second
    // acceptance is not a second answer.
    const answered = await tx.interactionEvents.conversationsWith(
      'answered',
      answers.map((a) => a.conversationId),
    );
    for (const a of answers) {
      const startedAt = (is.conversation(a.conversationId) ?? was.conversation(a.conversationId))?.receivedAt;
      if (answered.has(a.conversationId) || startedAt === undefined) {
        add(a.conversationId, 'accepted', a.at, { agentId: a.agentId, detail: 'route' });
      } else {
        answered.add(a.conversationId);
        add(a.conversationId, 'answered', a.at, { agentId: a.agentId, durationMs: a.at - startedAt });
      }
    }
  }
  if (drafts.length === 0) return;
  const missing = [...new Set(drafts.map((d) => d.conversationId))].filter((id) => !details.has(id));
  const more = missing.length > 0 ? await tx.getConversationDetails(missing) : [];
  const detailsOf = (id: string): ConversationDetails | undefined =>
    details.get(id) ?? more.find((d) => d.id === id);
  await tx.interactionEvents.append(
    drafts.map(({ conversationId, kind, at, fields }): InteractionEventRow => {
      const c = is.conversation(conversationId) ?? was.conversation(conversationId);
      const d = detailsOf(conversationId);
      return {
        id: timeOrderedId('ie', at),
        kind,
        at,
        conversationId,
        customerId: d?.customerId ?? null,
        startedAt: c?.receivedAt ?? d?.receivedAt ?? at,
        queueId: fields.queueId ?? c?.queueId ?? d?.queueId ?? null,
        agentId: fields.agentId ?? null,
        businessNumberId: d?.businessNumberId ?? null,
        durationMs: fields.durationMs ?? null,
        reasonId: fields.reasonId ?? null,
        detail: fields.detail ?? null,
      };
    }),
  );
}

/** What a change of phase means for reports: arrival, an end, the owner's wrap-up. */
function phaseEvents(
  conversationId: string,
  previous: Conversation | undefined,
  current: Conversation | undefined,
  add: (conversationId: string, kind: InteractionEventKind, at: number, fields?: Fields) => void,
): void {
  if (!current) return;
  const phase = current.phase;
  if (!previous) {
    // Not in the world before this decision: it just arrived.
    if (phase.kind !== 'closed') add(conversationId, 'queued', current.receivedAt);
    return;
  }
  const was = previous.phase;
  if (was.kind === phase.kind) return;
  if (was.kind === 'active' && phase.kind === 'wrapUp') {
    add(conversationId, 'ended', phase.endedAt, { agentId: phase.ownerId, detail: 'agent' });
  } else if (was.kind === 'wrapUp' && phase.kind === 'closed') {
    add(conversationId, 'wrapped_up', phase.closedAt, {
      agentId: was.ownerId,
      reasonId: phase.wrapUpReasonId,
      detail: 'owner',
      durationMs: phase.closedAt - was.acceptedAt,
    });
  } else if (phase.kind === 'closed') {
    // Closed without a wrap-up of its own (a transfer nobody accepted under "end"): the system ended it.
    add(conversationId, 'ended', phase.closedAt, { agentId: phase.ownerId, detail: 'system' });
  }
}
