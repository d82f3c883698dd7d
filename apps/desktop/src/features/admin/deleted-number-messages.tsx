import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeletedNumberMessageView } from '@parlo/protocol';
import { fetchDeletedNumberMessages } from '../../api/admin-client.ts';
import { asRequestError, type RequestErrorCode } from '../../api/request-error.ts';
import { formatDateTime } from './audit-state.ts';

type Loaded =
  | { key: number; kind: 'ready'; messages: DeletedNumberMessageView[] }
  | { key: number; kind: 'failed'; code: RequestErrorCode };

/**
 * S-7: customers may keep writing to a number after it was deleted. Their messages are stored,
 * never dropped, and listed here (masked as the server's settings say) for the administrator.
 */
export function DeletedNumberMessages({ refreshKey }: { refreshKey: number }) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const [attempt, setAttempt] = useState(0);
  const [answer, setAnswer] = useState<Loaded | null>(null);
  const key = refreshKey * 1000 + attempt;
  const loaded = answer !== null && answer.key === key ? answer : null;

  useEffect(() => {
    const controller = new AbortController();
    fetchDeletedNumberMessages(controller.signal).then(
      (messages) => setAnswer({ key, kind: 'ready', messages }),
      (error: unknown) => {
        if (!controller.signal.aborted) setAnswer({ key, kind: 'failed', code: asRequestError(error).code });
      },
    );
    return () => controller.abort();
  }, [key]);

  return (
    <section className="admin-section" aria-labelledby={titleId}>
      <div className="admin-section-header">
        <h2 id={titleId} className="admin-section-title">
          {t('console.deletedMessages.title')}
        </h2>
        <button type="button" className="button button-secondary" onClick={() => setAttempt((n) => n + 1)}>
          {t('console.audit.refresh')}
        </button>
      </div>
      <p className="admin-note">{t('console.deletedMessages.intro')}</p>
      {loaded?.kind === 'failed' && (
        <p className="form-error" role="alert">
          {t('console.loadFailed', { reason: t(`errors.${loaded.code}`) })}
        </p>
      )}
      <table className="data-table" aria-labelledby={titleId}>
        <thead>
          <tr>
            <th scope="col">{t('console.deletedMessages.received')}</th>
            <th scope="col">{t('console.deletedMessages.number')}</th>
            <th scope="col">{t('console.deletedMessages.customer')}</th>
            <th scope="col">{t('console.deletedMessages.text')}</th>
          </tr>
        </thead>
        <tbody>
          {loaded?.kind === 'ready' &&
            loaded.messages.map((m) => (
              <tr key={m.messageId}>
                <td>
                  <time dateTime={m.receivedAt}>{formatDateTime(m.receivedAt, i18n.language)}</time>
                </td>
                <td>{m.businessNumber}</td>
                <td>
                  <bdi>{m.customerName}</bdi> <bdi className="muted">{m.customerPhone}</bdi>
                </td>
                <td>{m.text}</td>
              </tr>
            ))}
          {(loaded === null || loaded.kind !== 'ready' || loaded.messages.length === 0) && (
            <tr>
              <td colSpan={4} className="data-table-empty">
                {loaded === null ? t('console.loading') : t('console.deletedMessages.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
