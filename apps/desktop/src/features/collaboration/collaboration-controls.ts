import type { ConversationView } from '@parlo/protocol';

/** What the conference indicator of the interaction pane says (S-20). */
export type ConferenceIndicator =
  | { readonly state: 'requested'; readonly name: string }
  | { readonly state: 'joined'; readonly name: string };

/**
 * The transfer / conference controls of one conversation for the signed-in agent. `hidden`
 * controls are not rendered; `disabled` ones are shown greyed out, with the reason as a hint.
 */
export interface CollaborationControls {
  readonly transfer: ControlState;
  readonly conference: ControlState;
  /** S-21: the owner sends the guest away. */
  readonly endConference: ControlState;
  /** S-22: the guest leaves; owner and customer go on. */
  readonly exitConference: ControlState;
  /** S-24: End is the owner's; a guest leaves with Exit conference instead. */
  readonly end: ControlState;
  readonly indicator: ConferenceIndicator | null;
}

export type ControlState = 'enabled' | 'disabled' | 'hidden';

/**
 * Only the owner transfers, asks for a guest or ends the conference; only the guest exits
 * (the server enforces the same). S-7: a conversation whose queue or business number was
 * deleted can only be ended, so Transfer and Conference stay visible but disabled.
 */
export function collaborationControls(conversation: ConversationView): CollaborationControls {
  const indicator: ConferenceIndicator | null =
    conversation.conference === null
      ? null
      : conversation.conference.state === 'requested'
        ? { state: 'requested', name: conversation.conference.targetName }
        : { state: 'joined', name: conversation.conference.otherAgentName };

  if (conversation.phase !== 'active') {
    return {
      transfer: 'hidden',
      conference: 'hidden',
      endConference: 'hidden',
      exitConference: 'hidden',
      end: 'hidden',
      indicator: null,
    };
  }

  if (conversation.role === 'guest') {
    return {
      transfer: 'hidden',
      conference: 'hidden',
      endConference: 'hidden',
      exitConference: 'enabled',
      end: 'hidden',
      indicator,
    };
  }

  const blocked = conversation.blockedBy !== null;
  // One conference at a time: while one is requested or open, the indicator replaces the button,
  // and a transfer would pull the conversation from under the guest.
  const busy = conversation.conference !== null;
  return {
    transfer: blocked || busy ? 'disabled' : 'enabled',
    conference: busy ? 'hidden' : blocked ? 'disabled' : 'enabled',
    endConference: conversation.conference?.state === 'joined' ? 'enabled' : 'hidden',
    exitConference: 'hidden',
    end: 'enabled',
    indicator,
  };
}

/**
 * Conversations that moved from active to wrap-up since the previous picture: a transfer, an
 * ended or exited conference, or the owner ending during a conference. Their wrap-up dialog
 * should open (S-18, S-23) even when the change was made by someone else (the owner's End
 * conference puts the guest in wrap-up). Ones that arrive already in wrap-up (a snapshot after a
 * reload) do not pop up: their Wrap up button is there.
 */
export function enteredWrapUp(
  previous: readonly ConversationView[],
  next: readonly ConversationView[],
): readonly string[] {
  const wasActive = new Set(previous.filter((c) => c.phase === 'active').map((c) => c.id));
  return next.filter((c) => c.phase === 'wrapUp' && wasActive.has(c.id)).map((c) => c.id);
}

/**
 * Conference requests that ended without a guest joining (the offer lapsed or was declined): the
 * owner is told (issue 6: "a conference request that lapses is reported to the owner"), and the
 * conversation carries on as before. Returns who had been asked, per conversation.
 */
export function conferenceRequestsDropped(
  previous: readonly ConversationView[],
  next: readonly ConversationView[],
): readonly { readonly conversationId: string; readonly targetName: string }[] {
  const dropped: { conversationId: string; targetName: string }[] = [];
  for (const now of next) {
    const before = previous.find((c) => c.id === now.id);
    if (before?.conference?.state === 'requested' && now.conference === null && now.phase === 'active')
      dropped.push({ conversationId: now.id, targetName: before.conference.targetName });
  }
  return dropped;
}
