import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { DeliveryStatus, MessageView } from '@parlo/protocol';
import { formatTime, initialsOf } from '../../lib/format.ts';
import { MessageContentView, MessageQuote, MessageReactions } from '../message-content/message-content.tsx';
import { systemMessageText } from '../message-content/system-note.ts';
import { InternalNoteBubble } from '../supervision/internal-note.tsx';
import './interaction.css';
import '../automation/automation.css';

const TICK_GLYPH: Record<DeliveryStatus, string> = {
  pending: '◷',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
  failed: '⚠',
};

/**
 * One message (S-6): customer messages grey with the customer's initials, agent messages blue on
 * the right with delivery ticks, system notes centred.
 */
export function MessageBubble({
  message,
  customerName,
  agentName,
  onReply,
}: {
  message: MessageView;
  customerName: string;
  /** The signed-in agent: a colleague's message (a conference, before a transfer) shows its author. */
  agentName?: string;
  /** Offers Reply on customer messages: the agent's next message quotes this one. */
  onReply?: ((message: MessageView) => void) | undefined;
}) {
  const { t, i18n } = useTranslation();
  const time = (
    <time className="bubble-time" dateTime={message.sentAt}>
      {formatTime(message.sentAt, i18n.language)}
    </time>
  );

  if (message.content?.kind === 'internalNote') return <InternalNoteBubble message={message} time={time} />;

  if (message.direction === 'system') {
    return (
      <div className="bubble-row bubble-row-system">
        <div className="bubble bubble-system" data-testid="bubble" data-direction="system">
          <span className="bubble-text">{systemMessageText(message, t)}</span> {time}
        </div>
      </div>
    );
  }

  if (message.direction === 'inbound') {
    return (
      <div className="bubble-row bubble-row-inbound">
        <div className="bubble bubble-inbound" data-testid="bubble" data-direction="inbound">
          <span className="avatar" data-testid="initials" aria-hidden="true" title={customerName} dir="auto">
            {initialsOf(message.authorName || customerName)}
          </span>
          <MessageQuote message={message} />
          <MessageContentView message={message} customerName={customerName} />
          <div className="bubble-meta">
            {time}
            {onReply && (
              <button type="button" className="bubble-reply" onClick={() => onReply(message)}>
                {t('messageContent.reply')}
              </button>
            )}
          </div>
          <MessageReactions message={message} />
        </div>
      </div>
    );
  }

  const status = message.status ?? 'pending';
  const statusText = statusLabel(status, message.failureReason, t);
  return (
    <div className="bubble-row bubble-row-outbound">
      <div
        className={`bubble bubble-outbound${message.automatic === true ? ' bubble-automatic' : ''}${status === 'failed' ? ' bubble-failed' : ''}`}
        data-testid="bubble"
        data-direction="outbound"
        data-automatic={message.automatic === true ? 'true' : undefined}
        data-client-message-id={message.clientMessageId ?? undefined}
      >
        {/* Issue 18: sent by the system (welcome, out of hours, closing), not by an agent. */}
        {message.automatic === true ? (
          <p
            className="bubble-automatic-label"
            data-testid="bubble-automatic"
            title={t('automation.automaticHint')}
          >
            {t('automation.automatic')}
          </p>
        ) : (
          agentName !== undefined &&
          message.authorName !== '' &&
          message.authorName !== agentName && (
            <p className="bubble-author" data-testid="bubble-author">
              {message.authorName}
            </p>
          )
        )}
        <MessageQuote message={message} />
        <MessageContentView message={message} customerName={customerName} />
        <div className="bubble-meta">
          {time}
          <span
            className={`ticks ticks-${status}`}
            data-testid="ticks"
            data-status={status}
            title={statusText}
            aria-label={statusText}
            role="img"
          >
            {TICK_GLYPH[status]}
          </span>
        </div>
        {status === 'failed' && <p className="bubble-failure">{statusText}</p>}
        <MessageReactions message={message} />
      </div>
    </div>
  );
}

function statusLabel(
  status: DeliveryStatus,
  failureReason: string | null,
  // i18next's TFunction: `ReturnType<typeof useTranslation>['t']` grows too deep for TypeScript with our keys.
  t: TFunction,
): string {
  switch (status) {
    case 'pending':
      return t('interaction.statusPending');
    case 'sent':
      return t('interaction.statusSent');
    case 'delivered':
      return t('interaction.statusDelivered');
    case 'read':
      return t('interaction.statusRead');
    case 'failed':
      return failureReason
        ? t('interaction.failedWithReason', { reason: failureReason })
        : t('interaction.statusFailed');
  }
}
