import { useTranslation } from 'react-i18next';
import type { HistoryEntryView } from '@parlo/protocol';
import { formatDuration } from '../../lib/format.ts';
import { LabelChips } from '../labels/label-chips.tsx';

/** Date, duration, queue, agents and wrap-up reason of a past conversation. */
export function HistoryMeta({ entry }: { entry: HistoryEntryView }) {
  const { t, i18n } = useTranslation();
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(entry.receivedAt),
  );
  return (
    <p className="history-meta">
      <time dateTime={entry.receivedAt}>{date}</time>
      {entry.durationMs !== null && (
        <span>
          {' · '}
          {t('history.duration')} {formatDuration(entry.durationMs)}
        </span>
      )}
      <span>
        {' · '}
        {t('history.queue')} {entry.queueName}
      </span>
      {entry.agents.length > 0 && (
        <span>
          {' · '}
          {t('history.agents')} {entry.agents.join(', ')}
        </span>
      )}
      {entry.wrapUpReason !== null && (
        <span>
          {' · '}
          {t('history.reason')} {entry.wrapUpReason}
        </span>
      )}
      {/* Issue 18: the customer's recorded satisfaction answer. */}
      {entry.csat != null && (
        <span data-testid="history-csat" title={t('csat.scoreTitle', { score: entry.csat.score })}>
          {' · '}
          {t('csat.score', { score: entry.csat.score })}
        </span>
      )}
    </p>
  );
}

/** A past conversation in a list: its meta and first lines; opens its transcript. */
export function HistoryEntry({ entry, onOpen }: { entry: HistoryEntryView; onOpen: () => void }) {
  const { t } = useTranslation();
  return (
    <li
      className="history-entry"
      data-testid="history-entry"
      data-history-conversation-id={entry.conversationId}
    >
      <HistoryMeta entry={entry} />
      {/* Issue 18: the conversation's labels. */}
      <LabelChips labels={entry.labels} />
      {entry.firstLines.map((line, i) => (
        <p key={i} className={`history-line history-line-${line.direction}`}>
          {line.text}
        </p>
      ))}
      <button type="button" className="button button-small" onClick={onOpen}>
        {t('history.open')}
      </button>
    </li>
  );
}
