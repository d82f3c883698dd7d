import { useTranslation } from 'react-i18next';
import { historyRoutes, type HistoryEntryView } from '@parlo/protocol';
import { formatTime } from '../../lib/format.ts';
import { fetchTranscript } from './history-api.ts';
import { HistoryMeta } from './history-entry.tsx';
import { useLoad } from './use-load.ts';
import './history.css';

/**
 * A past conversation's read-only transcript, in a modal (masked by the server, S-12). `entry` is
 * what the list it was opened from knew (shown at once); the transcript's own entry replaces it.
 */
export function TranscriptDialog({
  conversationId,
  entry: known,
  onClose,
}: {
  conversationId: string;
  entry?: HistoryEntryView;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const transcript = useLoad(conversationId, (signal) => fetchTranscript(conversationId, signal));
  const entry = transcript.data?.conversation ?? known;
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
            {t('history.transcript')}: {entry?.title ?? ''}{' '}
            <span className="history-readonly">{t('history.readOnly')}</span>
          </h2>
        </header>
        {entry && <HistoryMeta entry={entry} />}
        {transcript.error !== null && (
          <p className="form-error" role="alert">
            {t('history.loadFailed', { reason: transcript.error })}
          </p>
        )}
        <TranscriptLines messages={transcript.data?.messages ?? []} />
        <div className="modal-footer">
          {transcript.data?.mayExport === true && (
            <TranscriptExportLinks conversationId={conversationId} language={i18n.language} />
          )}
          <button type="button" className="button" onClick={onClose}>
            {t('history.close')}
          </button>
        </div>
      </div>
    </div>
  );
}

/**
 * Export links (shown only when the server says the caller may): a JSON download and a print view
 * to print or save as PDF. Plain links: the server audits each export as it serves it.
 */
function TranscriptExportLinks({ conversationId, language }: { conversationId: string; language: string }) {
  const { t } = useTranslation();
  const url = (format: 'json' | 'html') =>
    `${historyRoutes.transcriptExport(conversationId)}?format=${format}&lang=${language === 'it' ? 'it' : 'en'}`;
  return (
    <>
      <a className="button" href={url('json')} download data-testid="transcript-export-json">
        {t('history.exportJson')}
      </a>
      <a className="button" href={url('html')} target="_blank" rel="noopener" data-testid="transcript-print">
        {t('history.printView')}
      </a>
    </>
  );
}

/** Read-only lines of a transcript: who, when, what. */
export function TranscriptLines({
  messages,
}: {
  messages: readonly {
    id: string;
    direction: string;
    authorName: string;
    sentAt: string;
    text: string;
    /** Issue 18: sent by the system (welcome, out of hours, closing). */
    automatic?: boolean | undefined;
  }[];
}) {
  const { t, i18n } = useTranslation();
  return (
    <ol className="transcript-lines" data-testid="transcript-lines">
      {messages.map((m) => (
        <li key={m.id} className={`transcript-line transcript-${m.direction}`}>
          <span className="transcript-author">{m.authorName}</span>{' '}
          {m.automatic === true && (
            <span className="transcript-automatic" data-testid="transcript-automatic">
              {t('automation.automatic')}
            </span>
          )}{' '}
          <time className="transcript-time" dateTime={m.sentAt}>
            {formatTime(m.sentAt, i18n.language)}
          </time>
          <p className="transcript-text">{m.text}</p>
        </li>
      ))}
    </ol>
  );
}
