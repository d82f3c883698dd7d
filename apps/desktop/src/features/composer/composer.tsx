import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_TEXT_LENGTH, type ConversationView, type MessageView } from '@parlo/protocol';
import { sendMessage } from '../../api/client.ts';
import { newClientMessageId } from '../../lib/client-message-id.ts';
import { useNow } from '../../lib/clock.ts';
import { formatDuration } from '../../lib/format.ts';
import { useDispatch } from '../../realtime/realtime-context.ts';
import { useErrorText } from '../shell/use-error-text.ts';
import { TemplatePicker } from '../templates/template-picker.tsx';
import { useMarkReadOnOpen, useTypingIndicator } from '../templates/use-mark-read.ts';
import { AttachButton } from '../message-content/attach-button.tsx';
import { quoteOf } from '../message-content/quote.ts';
import { ReplyPreview } from '../message-content/reply-preview.tsx';

interface ComposerProps {
  conversation: ConversationView;
  agentName: string;
  draft: string;
  onDraftChange: (text: string) => void;
  /** The customer message being replied to (quoted), if any. */
  replyTo?: MessageView | null;
  onReplyDone?: () => void;
}

/**
 * S-8/S-9: at most 4096 characters; Enter sends, Shift+Enter breaks the line. Each send shows an
 * optimistic pending bubble keyed by a fresh clientMessageId, which the server's copy replaces.
 */
export function Composer({
  conversation,
  agentName,
  draft,
  onDraftChange,
  replyTo = null,
  onReplyDone,
}: ComposerProps) {
  const { t } = useTranslation();
  const dispatch = useDispatch();
  const errorText = useErrorText();
  const now = useNow();
  const [error, setError] = useState<string | null>(null);

  const windowLeft =
    conversation.windowExpiresAt === null ? null : Date.parse(conversation.windowExpiresAt) - now;
  const windowClosed = windowLeft !== null && windowLeft <= 0;
  // S-7: a conversation whose business number or queue was deleted can only be ended.
  const blocked = conversation.blockedBy !== null;
  const disabled = conversation.phase !== 'active' || windowClosed || blocked;
  const canSend = !disabled && draft.trim().length > 0 && draft.length <= MAX_TEXT_LENGTH;
  // Issue 4: on screen = opened; a new customer message moves the window's end and marks again.
  useMarkReadOnOpen(conversation.id, conversation.phase === 'active', conversation.windowExpiresAt);
  const typing = useTypingIndicator(conversation.id);

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
      ...(replyTo ? { replyTo: quoteOf(replyTo) } : {}),
    };
    dispatch({ type: 'message.reported', message: optimistic });
    onReplyDone?.();
    onDraftChange('');
    setError(null);
    sendMessage(conversation.id, {
      text,
      clientMessageId,
      ...(replyTo ? { replyToMessageId: replyTo.id } : {}),
    }).then(
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
      {replyTo !== null && <ReplyPreview message={replyTo} onCancel={() => onReplyDone?.()} />}
      {windowClosed && conversation.phase === 'active' && !blocked ? (
        // Issue 4: outside the window free text is locked; an approved template is the way back.
        <TemplatePicker conversation={conversation} agentName={agentName} />
      ) : (
        <div className="composer-row">
          <textarea
            className="composer-input"
            aria-label={t('composer.label')}
            placeholder={
              blocked
                ? t('blocked.composerPlaceholder')
                : disabled
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
            onChange={(e) => {
              onDraftChange(e.target.value);
              if (e.target.value.trim() !== '') typing();
            }}
            onKeyDown={onKeyDown}
          />
          <div className="composer-side">
            <span className="composer-counter" data-testid="composer-counter" aria-live="off">
              {t('composer.counter', { used: String(draft.length), max: String(MAX_TEXT_LENGTH) })}
            </span>
            <AttachButton
              conversationId={conversation.id}
              disabled={disabled}
              replyTo={replyTo}
              onSent={() => onReplyDone?.()}
              onError={setError}
            />
            <button type="button" className="button button-primary" disabled={!canSend} onClick={send}>
              {t('composer.send')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
