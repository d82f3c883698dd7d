import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationView } from '@parlo/protocol';
import { endConference, exitConference } from '../../api/client.ts';
import { useDispatch } from '../../realtime/realtime-context.ts';
import { useNotify } from '../shell/notices.tsx';
import { useErrorText } from '../shell/use-error-text.ts';
import {
  collaborationControls,
  conferenceRequestsDropped,
  enteredWrapUp,
  type ControlState,
} from './collaboration-controls.ts';
import { TargetPickerDialog, type CollaborationPurpose } from './target-picker-dialog.tsx';
import './collaboration.css';

interface CollaborationActionsProps {
  conversation: ConversationView;
  /** Opens the Wrap-up reasons dialog for this conversation (S-18, S-23). */
  onWrapUp: (conversationId: string) => void;
}

/**
 * The interaction pane's Transfer / Conference / End conference / Exit conference controls and
 * the conference indicator (S-14, S-19..S-22). End itself stays with the pane.
 */
export function CollaborationActions({ conversation, onWrapUp }: CollaborationActionsProps) {
  const { t } = useTranslation();
  const dispatch = useDispatch();
  const notify = useNotify();
  const errorText = useErrorText();
  const [dialog, setDialog] = useState<CollaborationPurpose | null>(null);
  const [leaving, setLeaving] = useState(false);
  const controls = collaborationControls(conversation);
  const id = conversation.id;

  const closeDialog = useCallback(() => setDialog(null), []);
  const onDone = useCallback(
    (updated: ConversationView) => {
      setDialog(null);
      // S-18: the transfer has started; the agent's part is over and wrap-up follows at once.
      if (updated.phase === 'wrapUp') onWrapUp(updated.id);
    },
    [onWrapUp],
  );

  async function leave(action: 'end' | 'exit') {
    setLeaving(true);
    try {
      const updated = action === 'end' ? await endConference(id) : await exitConference(id);
      dispatch({ type: 'conversation.reported', conversation: updated });
      // S-23: the guest who exits wraps up; the owner who ended it goes on with the customer.
      if (updated.phase === 'wrapUp') onWrapUp(updated.id);
    } catch (error) {
      notify(errorText(error));
    } finally {
      setLeaving(false);
    }
  }

  const disabledHint =
    conversation.blockedBy !== null ? t('collaboration.blockedHint') : t('collaboration.busyHint');

  return (
    <>
      {controls.indicator && (
        <span
          className={`conference-indicator conference-${controls.indicator.state}`}
          role="status"
          data-testid="conference-indicator"
          data-state={controls.indicator.state}
        >
          {controls.indicator.state === 'requested'
            ? t('collaboration.conferenceRequested', { name: controls.indicator.name })
            : t('collaboration.conferenceJoined', { name: controls.indicator.name })}
        </span>
      )}
      {controls.transfer !== 'hidden' && (
        <ActionButton
          state={controls.transfer}
          hint={disabledHint}
          label={t('collaboration.transfer')}
          onClick={() => setDialog('transfer')}
        />
      )}
      {controls.conference !== 'hidden' && (
        <ActionButton
          state={controls.conference}
          hint={disabledHint}
          label={t('collaboration.conference')}
          onClick={() => setDialog('conference')}
        />
      )}
      {controls.endConference !== 'hidden' && (
        <button
          type="button"
          className="button button-secondary"
          disabled={leaving}
          aria-busy={leaving}
          onClick={() => void leave('end')}
        >
          {t('collaboration.endConference')}
        </button>
      )}
      {controls.exitConference !== 'hidden' && (
        <button
          type="button"
          className="button button-danger"
          disabled={leaving}
          aria-busy={leaving}
          onClick={() => void leave('exit')}
        >
          {t('collaboration.exitConference')}
        </button>
      )}
      {dialog !== null && (
        <TargetPickerDialog
          key={`${id}:${dialog}`}
          purpose={dialog}
          conversation={conversation}
          onClose={closeDialog}
          onDone={onDone}
        />
      )}
    </>
  );
}

function ActionButton({
  state,
  hint,
  label,
  onClick,
}: {
  state: ControlState;
  hint: string;
  label: string;
  onClick: () => void;
}) {
  const disabled = state !== 'enabled';
  return (
    <button
      type="button"
      className="button button-secondary"
      disabled={disabled}
      title={disabled ? hint : undefined}
      onClick={onClick}
    >
      {label}
    </button>
  );
}

/** This agent's part in the conversation, for the pane's header: owner or conference guest. */
export function RoleLabel({ conversation }: { conversation: ConversationView }) {
  const { t } = useTranslation();
  return (
    <span data-testid="participant-role" data-role={conversation.role}>
      {t('collaboration.role')}:{' '}
      <strong>
        {conversation.role === 'owner' ? t('collaboration.roleOwner') : t('collaboration.roleGuest')}
      </strong>
    </span>
  );
}

/**
 * Reacts to changes a colleague or the server made to this agent's conversations: opens the
 * Wrap-up reasons dialog for one that left this agent's active work (S-23: the owner's End
 * conference puts the guest in wrap-up; the owner ending during a conference puts both), unless a
 * wrap-up dialog is already open; and tells the owner when a conference request was not accepted.
 */
export function useCollaborationFollowUp(
  conversations: readonly ConversationView[],
  wrapUpOpen: boolean,
  openWrapUp: (conversationId: string) => void,
): void {
  const { t } = useTranslation();
  const notify = useNotify();
  const previous = useRef(conversations);
  useEffect(() => {
    const before = previous.current;
    previous.current = conversations;
    if (before === conversations) return;
    for (const dropped of conferenceRequestsDropped(before, conversations))
      notify(t('collaboration.conferenceNotAccepted', { name: dropped.targetName }));
    const first = enteredWrapUp(before, conversations)[0];
    if (first !== undefined && !wrapUpOpen) openWrapUp(first);
  }, [conversations, wrapUpOpen, openWrapUp, notify, t]);
}
