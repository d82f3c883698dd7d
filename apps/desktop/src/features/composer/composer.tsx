import { useState, type ClipboardEvent, type KeyboardEvent } from 'react';
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
import { useCannedPicker } from '../canned/canned-picker.tsx';
import { postInternalNote } from '../supervision/supervision-client.ts';
import { limitPaste } from './paste-limit.ts';
import './composer.css';

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
  // Issue 18: a paste cut to the limit says so (the textarea's maxlength would cut it silently).
  const [pasteCut, setPasteCut] = useState<number | null>(null);
  // Issue 18: an internal note instead of a reply: stored with the conversation, never sent.
  const [noteMode, setNoteMode] = useState(false);

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
  // Issue 18: "/" lists canned responses; the chosen one, filled by the server, becomes the draft.
  const canned = useCannedPicker(draft, conversation.id, onDraftChange);

  function sendNote() {
    const text = draft;
    if (text.trim() === '' || text.length > MAX_TEXT_LENGTH) return;
    onDraftChange('');
    setError(null);
    postInternalNote(conversation.id, text, newClientMessageId()).then(
      (message) => dispatch({ type: 'message.reported', message }),
      (caught: unknown) => {
        setError(errorText(caught));
        onDraftChange(text);
      },
    );
  }

  function send() {
    if (noteMode) {
      sendNote();
      return;
    }
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
    setPasteCut(null);
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

  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const input = event.currentTarget;
    const pasted = event.clipboardData.getData('text/plain');
    const limited = limitPaste(draft, input.selectionStart, input.selectionEnd, pasted, MAX_TEXT_LENGTH);
    if (limited === null) {
      setPasteCut(null);
      return;
    }
    event.preventDefault();
    onDraftChange(limited.value);
    setPasteCut(limited.pastedLength);
    // After React has put the new value in, the caret goes where the paste ended.
    requestAnimationFrame(() => input.setSelectionRange(limited.caret, limited.caret));
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (canned.onKeyDown(event)) return;
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
      {pasteCut !== null && (
        <p className="composer-paste-cut" role="alert" data-testid="paste-cut">
          {t('desktop.pasteTooLong', { max: String(MAX_TEXT_LENGTH), length: String(pasteCut) })}
        </p>
      )}
      {replyTo !== null && <ReplyPreview message={replyTo} onCancel={() => onReplyDone?.()} />}
      {!disabled && canned.element}
      {windowClosed && conversation.phase === 'active' && !blocked ? (
        // Issue 4: outside the window free text is locked; an approved template is the way back.
        <TemplatePicker conversation={conversation} agentName={agentName} />
      ) : (
        <div className="composer-row">
          <textarea
            className={`composer-input${noteMode ? ' composer-input-note' : ''}`}
            aria-label={t('composer.label')}
            placeholder={
              blocked
                ? t('blocked.composerPlaceholder')
                : disabled
                  ? t('composer.placeholderDisabled')
                  : noteMode
                    ? t('composer.notePlaceholder')
                    : t('composer.placeholder', { name: conversation.customerName })
            }
            maxLength={MAX_TEXT_LENGTH}
            aria-controls={canned.listId}
            aria-activedescendant={canned.activeId}
            aria-autocomplete="list"
            rows={3}
            // The composer mounts per conversation (keyed by id): opening or accepting one puts the
            // cursor where the agent will type.
            autoFocus
            value={draft}
            disabled={disabled}
            onChange={(e) => {
              onDraftChange(e.target.value);
              if (pasteCut !== null && e.target.value.length < MAX_TEXT_LENGTH) setPasteCut(null);
              if (e.target.value.trim() !== '') typing();
            }}
            onKeyDown={onKeyDown}
            onPaste={onPaste}
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
            <button
              type="button"
              className={`button button-secondary button-compact${noteMode ? ' composer-note-on' : ''}`}
              aria-pressed={noteMode}
              disabled={disabled}
              data-testid="note-toggle"
              onClick={() => setNoteMode((on) => !on)}
            >
              {t('composer.note')}
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={noteMode ? disabled || draft.trim() === '' : !canSend}
              onClick={send}
            >
              {noteMode ? t('composer.addNote') : t('composer.send')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
