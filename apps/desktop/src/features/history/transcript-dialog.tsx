import { useTranslation } from 'react-i18next';
import type { HistoryEntryView } from '@parlo/protocol';
import { formatTime } from '../../lib/format.ts';
import { fetchTranscript } from './history-api.ts';
import { HistoryMeta } from './history-entry.tsx';
import { useLoad } from './use-load.ts';

/** A past conversation's read-only transcript, in a modal (masked by the server, S-12). */
export function TranscriptDialog({ entry, onClose }: { entry: HistoryEntryView; onClose: () => void }) {
  const { t } = useTranslation();
  const transcript = useLoad(entry.conversationId, (signal) => fetchTranscript(entry.conversationId, signal));
  return (
    <div className="modal-backdrop" role="presentation" onClick={onClose}>
      <div
        className="modal transcript-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="transcript-title"
        data-testid="transcript-dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
      >
        <header className="modal-header">
          <h2 id="transcript-title" className="modal-title">
            {t('history.transcript')}: {entry.title}{' '}
            <span className="history-readonly">{t('history.readOnly')}</span>
          </h2>
        </header>
        <HistoryMeta entry={entry} />
        {transcript.error !== null && (
          <p className="form-error" role="alert">
            {t('history.loadFailed', { reason: transcript.error })}
          </p>
        )}
        <TranscriptLines messages={transcript.data?.messages ?? []} />
        <div className="modal-footer">
          <button type="button" className="button" onClick={onClose}>
            {t('history.close')}
          </button>
        </div>
      </div>
    </div>
  );
}

/** Read-only lines of a transcript: who, when, what. */
export function TranscriptLines({
  messages,
}: {
  messages: readonly { id: string; direction: string; authorName: string; sentAt: string; text: string }[];
}) {
  const { i18n } = useTranslation();
  return (
    <ol className="transcript-lines" data-testid="transcript-lines">
      {messages.map((m) => (
        <li key={m.id} className={`transcript-line transcript-${m.direction}`}>
          <span className="transcript-author">{m.authorName}</span>{' '}
          <time className="transcript-time" dateTime={m.sentAt}>
            {formatTime(m.sentAt, i18n.language)}
          </time>
          <p className="transcript-text">{m.text}</p>
        </li>
      ))}
    </ol>
  );
}
