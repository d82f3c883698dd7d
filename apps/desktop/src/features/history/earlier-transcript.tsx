import { useTranslation } from 'react-i18next';
import { fetchConversationCustomer, fetchCustomerHistory, fetchTranscript } from './history-api.ts';
import { TranscriptLines } from './transcript-dialog.tsx';
import { useLoad } from './use-load.ts';
import './history.css';

/**
 * A returning customer (issue 15): their previous conversation's transcript, read-only, above the
 * new one's messages and clearly set apart from them. Nothing shows for a first-time customer.
 */
export function EarlierTranscript({
  conversationId,
  snapshotEpoch,
}: {
  conversationId: string;
  /** Bumped by each snapshot (e.g. masking switched): fetched again. */
  snapshotEpoch: number;
}) {
  const { t, i18n } = useTranslation();
  const earlier = useLoad(`${conversationId}#${snapshotEpoch}`, async (signal) => {
    const customer = await fetchConversationCustomer(conversationId, signal);
    if (customer.conversationCount < 2) return null;
    const [last] = (await fetchCustomerHistory(customer.id, 1, signal)).entries;
    return last ? fetchTranscript(last.conversationId, signal) : null;
  });
  const transcript = earlier.data;
  if (!transcript) return null;
  const entry = transcript.conversation;
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(entry.receivedAt),
  );
  return (
    <section
      className="earlier-transcript"
      aria-label={t('history.earlier')}
      data-testid="earlier-transcript"
    >
      <details open>
        <summary>
          {t('history.earlier')}{' '}
          <span className="history-meta">
            {t('history.earlierMeta', { date, agents: entry.agents.join(', ') })}
          </span>
        </summary>
        <TranscriptLines messages={transcript.messages} />
      </details>
      <p className="earlier-separator" role="separator">
        {t('history.newConversation')}
      </p>
    </section>
  );
}
