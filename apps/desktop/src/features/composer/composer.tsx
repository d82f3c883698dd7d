import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_TEXT_LENGTH, type ConversationView, type MessageView } from '@parlo/protocol';
import { sendMessage } from '../../api/client.ts';
import { newClientMessageId } from '../../lib/client-message-id.ts';
import { useNow } from '../../lib/clock.ts';
import { formatDuration } from '../../lib/format.ts';
import { useDispatch } from '../../realtime/realtime-context.ts';
import { useErrorText } from '../shell/use-error-text.ts';

interface ComposerProps {
  conversation: ConversationView;
  agentName: string;
  draft: string;
  onDraftChange: (text: string) => void;
}

/**
 * S-8/S-9: at most 4096 characters; Enter sends, Shift+Enter breaks the line. Each send shows an
 * optimistic pending bubble keyed by a fresh clientMessageId, which the server's copy replaces.
 */
export function Composer({ conversation, agentName, draft, onDraftChange }: ComposerProps) {
  const { t } = useTranslation();
  const dispatch = useDispatch();
  const errorText = useErrorText();
  const now = useNow();
  const [error, setError] = useState<string | null>(null);

  const windowLeft =
    conversation.windowExpiresAt === null ? null : Date.parse(conversation.windowExpiresAt) - now;
  const windowClosed = windowLeft !== null && windowLeft <= 0;
  const disabled = conversation.phase !== 'active' || windowClosed;
  const canSend = !disabled && draft.trim().length > 0 && draft.length <= MAX_TEXT_LENGTH;

  function send() {
    if (!canSend) return;
    const text = draft;
    const clientMessageId = newClientMessageId();
    const optimistic: MessageView = {
      id: `local:${clientMessageId}`,
      conversationId: conversation.id,
      direction: 'outbound',
      text,
      authorName: agentName,
      sentAt: new Date().toISOString(),
      status: 'pending',
      failureReason: null,
      clientMessageId,
    };
    dispatch({ type: 'message.reported', message: optimistic });
    onDraftChange('');
    setError(null);
    sendMessage(conversation.id, { text, clientMessageId }).then(
      (message) => dispatch({ type: 'message.reported', message }),
      (caught: unknown) => {
        const reason = errorText(caught);
        setError(reason);
        dispatch({
          type: 'message.reported',
          message: { ...optimistic, status: 'failed', failureReason: reason },
        });
      },
    );
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // While an IME is composing, Enter confirms the composition, not the message.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  return (
    <div className="composer">
      {windowLeft !== null && (
        <p
          className={`composer-window${windowClosed ? ' composer-window-closed' : ''}`}
          data-testid="window-left"
        >
          {windowClosed
            ? t('composer.windowClosed')
            : t('composer.windowLeft', { time: formatDuration(windowLeft) })}
        </p>
      )}
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="composer-row">
        <textarea
          className="composer-input"
          aria-label={t('composer.label')}
          placeholder={
            disabled
              ? t('composer.placeholderDisabled')
              : t('composer.placeholder', { name: conversation.customerName })
          }
          maxLength={MAX_TEXT_LENGTH}
          rows={3}
          // The composer mounts per conversation (keyed by id): opening or accepting one puts the
          // cursor where the agent will type.
          autoFocus
          value={draft}
          disabled={disabled}
          onChange={(e) => onDraftChange(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <div className="composer-side">
          <span className="composer-counter" data-testid="composer-counter" aria-live="off">
            {t('composer.counter', { used: String(draft.length), max: String(MAX_TEXT_LENGTH) })}
          </span>
          <button type="button" className="button button-primary" disabled={!canSend} onClick={send}>
            {t('composer.send')}
          </button>
        </div>
      </div>
    </div>
  );
}
