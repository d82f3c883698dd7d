import type { Conversation } from '@parlo/core';
import type { ConversationDetails } from '../store/index.ts';

/**
 * Who sees a conversation: the one definition, in two named views (S-14..S-23).
 *
 * - `viewers`: every agent who has it in their task pane and reads its history — its owner while
 *   it is active or in wrap-up, the guest who joined its conference, and the departed
 *   participants still wrapping it up (an owner who transferred it, a guest who left). They get
 *   its `conversation.*` events and its system notes; the snapshot lists it for them.
 * - `watchers`: those of them who receive its messages live (`message.upserted`) and may write
 *   while it is active — the owner and the joined guest; a departed participant only reads.
 *
 * Queued and offered conversations have no owner yet, closed ones none any more: nobody sees them.
 */
export interface Audience {
  readonly viewers: readonly string[];
  readonly watchers: readonly string[];
}

/**
 * The audience of a conversation, from its routing record (`@parlo/core`'s `Conversation`) or
 * from its stored details (the store's row, which carries the same owner, joined guest and
 * departed participants): both give the same answer. Nobody for an unknown conversation.
 */
export function audienceOf(conversation: Conversation | ConversationDetails | undefined): Audience {
  if (!conversation) return { viewers: [], watchers: [] };
  const { owner, guest, departed } =
    'phase' in conversation ? seatsOfRecord(conversation) : seatsOfDetails(conversation);
  const watchers = unique([owner, guest]);
  return { viewers: unique([...watchers, ...departed]), watchers };
}

interface Seats {
  readonly owner: string | undefined;
  readonly guest: string | undefined;
  readonly departed: readonly string[];
}

function seatsOfRecord(conversation: Conversation): Seats {
  const phase = conversation.phase;
  const departed = (conversation.departed ?? []).map((p) => p.agentId);
  switch (phase.kind) {
    case 'active':
      return {
        owner: phase.ownerId,
        guest: phase.guest?.kind === 'joined' ? phase.guest.agentId : undefined,
        departed,
      };
    case 'wrapUp':
      return { owner: phase.ownerId, guest: undefined, departed };
    case 'queued':
    case 'offered':
    case 'closed':
      return { owner: undefined, guest: undefined, departed };
  }
}

function seatsOfDetails(details: ConversationDetails): Seats {
  const live = details.phaseKind === 'active' || details.phaseKind === 'wrapUp';
  return {
    owner: live ? (details.agentId ?? undefined) : undefined,
    guest: details.phaseKind === 'active' ? details.joinedGuestId : undefined,
    departed: details.departedAgentIds ?? [],
  };
}

function unique(ids: readonly (string | undefined)[]): string[] {
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}
