import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntryView } from '@parlo/protocol';
import { fetchAuditLog } from '../../api/admin-client.ts';
import { asRequestError, type RequestErrorCode } from '../../api/request-error.ts';
import {
  AUDIT_ACTION_PREFIXES,
  FIRST_AUDIT_PAGE,
  NO_AUDIT_FILTERS,
  auditQueryOf,
  auditRangeInvalid,
  currentAuditCursor,
  detailLines,
  formatDateTime,
  namesOf,
  nextAuditPage,
  previousAuditPage,
  type AuditFilters,
  type AuditPaging,
} from './audit-state.ts';
import { auditActionName } from './audit-actions.ts';
import type { AdminData } from './resource-drafts.ts';

/** An answer, tagged with the request it answers: a newer request shows "loading" until its own. */
type Loaded =
  | { key: string; kind: 'failed'; code: RequestErrorCode }
  | { key: string; kind: 'ready'; entries: AuditEntryView[]; nextCursor: string | null };

/** Every admin change, newest first, filtered by action, actor and day range, page by page. */
export function AuditSection({ data }: { data: AdminData }) {
  const users = data.users;
  const nameOf = namesOf(data);
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const [filters, setFilters] = useState<AuditFilters>(NO_AUDIT_FILTERS);
  const [paging, setPaging] = useState<AuditPaging>(FIRST_AUDIT_PAGE);
  const [answer, setAnswer] = useState<Loaded | null>(null);
  const [attempt, setAttempt] = useState(0);
  const rangeInvalid = auditRangeInvalid(filters);
  const cursor = currentAuditCursor(paging);
  const requestKey = JSON.stringify([filters, cursor ?? null, attempt]);
  const loaded = answer !== null && answer.key === requestKey ? answer : ({ kind: 'loading' } as const);

  useEffect(() => {
    if (rangeInvalid) return;
    const controller = new AbortController();
    fetchAuditLog(auditQueryOf(filters, cursor), controller.signal).then(
      (page) =>
        setAnswer({
          key: requestKey,
          kind: 'ready',
          entries: page.entries,
          nextCursor: page.nextCursor ?? null,
        }),
      (error: unknown) => {
        if (!controller.signal.aborted)
          setAnswer({ key: requestKey, kind: 'failed', code: asRequestError(error).code });
      },
    );
    return () => controller.abort();
  }, [filters, cursor, rangeInvalid, requestKey]);

  function change(patch: Partial<AuditFilters>) {
    setFilters((f) => ({ ...f, ...patch }));
    setPaging(FIRST_AUDIT_PAGE);
  }

  const actorName = (entry: AuditEntryView) =>
    entry.actorName ?? users.find((u) => u.id === entry.actorUserId)?.displayName ?? entry.actorUserId;

  return (
    <section className="admin-section" aria-labelledby={titleId}>
      <div className="admin-section-header">
        <h2 id={titleId} className="admin-section-title">
          {t('console.audit.title')}
        </h2>
        <button type="button" className="button button-secondary" onClick={() => setAttempt((n) => n + 1)}>
          {t('console.audit.refresh')}
        </button>
      </div>
      <div className="audit-filters">
        <div className="field">
          <label className="field-label" htmlFor={`${titleId}-action`}>
            {t('console.audit.action')}
          </label>
          <select
            id={`${titleId}-action`}
            className="select"
            value={filters.action}
            onChange={(e) => change({ action: e.target.value })}
          >
            <option value="">{t('console.audit.anyAction')}</option>
            {AUDIT_ACTION_PREFIXES.map((prefix) => (
              <option key={prefix} value={prefix}>
                {t(`console.audit.actions.${prefix.slice(0, -1) as ActionGroup}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${titleId}-actor`}>
            {t('console.audit.actor')}
          </label>
          <select
            id={`${titleId}-actor`}
            className="select"
            value={filters.actor}
            onChange={(e) => change({ actor: e.target.value })}
          >
            <option value="">{t('console.audit.anyActor')}</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName}
              </option>
            ))}
          </select>
        </div>
        <label className="field">
          <span className="field-label">{t('console.audit.from')}</span>
          <input
            className="input"
            type="date"
            value={filters.from}
            onChange={(e) => change({ from: e.target.value })}
          />
        </label>
        <div className={`field${rangeInvalid ? ' field-invalid' : ''}`}>
          <label className="field">
            <span className="field-label">{t('console.audit.to')}</span>
            <input
              className="input"
              type="date"
              value={filters.to}
              aria-invalid={rangeInvalid}
              aria-describedby={rangeInvalid ? `${titleId}-range` : undefined}
              onChange={(e) => change({ to: e.target.value })}
            />
          </label>
          {rangeInvalid && (
            <p id={`${titleId}-range`} className="field-error">
              {t('console.audit.rangeInvalid')}
            </p>
          )}
        </div>
      </div>
      {loaded.kind === 'failed' && (
        <p className="form-error" role="alert">
          {t('console.audit.loadFailed', { reason: t(`errors.${loaded.code}`) })}
        </p>
      )}
      <table className="data-table audit-table" aria-labelledby={titleId}>
        <thead>
          <tr>
            <th scope="col">{t('console.audit.when')}</th>
            <th scope="col">{t('console.audit.actor')}</th>
            <th scope="col">{t('console.audit.action')}</th>
            <th scope="col">{t('console.audit.subject')}</th>
            <th scope="col">{t('console.audit.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {loaded.kind === 'ready' &&
            loaded.entries.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <time dateTime={entry.at}>{formatDateTime(entry.at, i18n.language)}</time>
                </td>
                <td>{actorName(entry)}</td>
                <td>
                  {auditActionName(entry.action, i18n.language) !== undefined && (
                    <span className="audit-action-name">{auditActionName(entry.action, i18n.language)} </span>
                  )}
                  <code>{entry.action}</code>
                </td>
                <td>
                  {nameOf(entry.subject) !== undefined && (
                    <span className="audit-subject-name">{nameOf(entry.subject)} </span>
                  )}
                  <code>{entry.subject}</code>
                </td>
                <td>
                  <dl className="audit-detail">
                    {detailLines(entry.detail, nameOf).map((line, index) => (
                      <div key={`${line.key}-${index}`}>
                        {line.key !== '' && <dt>{line.key}</dt>}
                        <dd>{line.value}</dd>
                      </div>
                    ))}
                  </dl>
                </td>
              </tr>
            ))}
          {(loaded.kind !== 'ready' || loaded.entries.length === 0) && (
            <tr>
              <td colSpan={5} className="data-table-empty">
                {loaded.kind === 'loading' ? t('console.loading') : t('console.audit.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <nav className="audit-paging" aria-label={t('console.audit.paging')}>
        <button
          type="button"
          className="button button-secondary"
          disabled={paging.page === 0}
          onClick={() => setPaging(previousAuditPage)}
        >
          {t('console.audit.newer')}
        </button>
        <span>{t('console.audit.page', { page: String(paging.page + 1) })}</span>
        <button
          type="button"
          className="button button-secondary"
          disabled={loaded.kind !== 'ready' || loaded.nextCursor === null}
          onClick={() => {
            if (loaded.kind === 'ready') setPaging((p) => nextAuditPage(p, loaded.nextCursor));
          }}
        >
          {t('console.audit.older')}
        </button>
      </nav>
    </section>
  );
}

type ActionGroup =
  'users' | 'queues' | 'businessNumbers' | 'wrapUpReasons' | 'idleCodes' | 'settings' | 'reveal';
