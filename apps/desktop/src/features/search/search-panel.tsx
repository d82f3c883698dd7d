import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  searchResponseSchema,
  searchRoutes,
  type Catalog,
  type LabelView,
  type SearchHit,
} from '@parlo/protocol';
import { call } from '../../api/client.ts';
import { TranscriptDialog } from '../history/transcript-dialog.tsx';
import { LabelChips } from '../labels/label-chips.tsx';
import { fetchLabels } from '../labels/labels-api.ts';
import { useErrorText } from '../shell/use-error-text.ts';

interface SearchForm {
  text: string;
  customerName: string;
  number: string;
  queueId: string;
  wrapUpReasonId: string;
  /** Issue 18: a label's id. */
  labelId: string;
  from: string;
  to: string;
}

const EMPTY: SearchForm = {
  text: '',
  customerName: '',
  number: '',
  queueId: '',
  wrapUpReasonId: '',
  labelId: '',
  from: '',
  to: '',
};

function formatDateTime(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

/** The query string of a search: only the fields filled in; days as the local day's bounds. */
export function searchQueryOf(form: SearchForm): string {
  const params = new URLSearchParams();
  for (const key of ['text', 'customerName', 'number', 'queueId', 'wrapUpReasonId', 'labelId'] as const) {
    const value = form[key].trim();
    if (value !== '') params.set(key, value);
  }
  if (form.from !== '') params.set('from', new Date(`${form.from}T00:00:00`).toISOString());
  if (form.to !== '') {
    const end = new Date(`${form.to}T00:00:00`);
    end.setDate(end.getDate() + 1);
    params.set('to', end.toISOString());
  }
  return params.toString();
}

/**
 * Issue 15: search over conversations, for supervisors and administrators (the server limits
 * agents to their own). Results come masked as every view does (S-12): a number searched for is
 * sent once and never shown back.
 */
export function SearchPanel({ catalog }: { catalog: Catalog }) {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const titleId = useId();
  const [form, setForm] = useState<SearchForm>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<SearchHit[] | null>(null);
  const [opened, setOpened] = useState<string | null>(null);
  const change = (patch: Partial<SearchForm>) => setForm((f) => ({ ...f, ...patch }));
  // Issue 18: the labels to filter by (none shown when the list cannot be read).
  const [labels, setLabels] = useState<LabelView[]>([]);
  useEffect(() => {
    const abort = new AbortController();
    fetchLabels(abort.signal).then(setLabels, () => {});
    return () => abort.abort();
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const response = await call(
        `${searchRoutes.conversations}?${searchQueryOf(form)}`,
        searchResponseSchema,
      );
      setResults(response.results);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  }

  const input = (key: 'text' | 'customerName' | 'number', type = 'search') => (
    <label className="field">
      <span className="field-label">{t(`search.${key}`)}</span>
      <input
        className="input"
        type={type}
        value={form[key]}
        autoComplete="off"
        onChange={(e) => change({ [key]: e.target.value })}
      />
    </label>
  );

  return (
    <section className="admin-section" aria-labelledby={titleId}>
      <div className="admin-section-header">
        <h2 id={titleId} className="admin-section-title">
          {t('search.title')}
        </h2>
      </div>
      <p className="empty-hint">{t('search.hint')}</p>
      <form className="audit-filters" role="search" onSubmit={(e) => void submit(e)}>
        {input('text')}
        {input('customerName')}
        {input('number', 'tel')}
        <label className="field">
          <span className="field-label">{t('search.queue')}</span>
          <select
            className="select"
            value={form.queueId}
            onChange={(e) => change({ queueId: e.target.value })}
          >
            <option value="">{t('search.any')}</option>
            {catalog.queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('search.wrapUpReason')}</span>
          <select
            className="select"
            value={form.wrapUpReasonId}
            onChange={(e) => change({ wrapUpReasonId: e.target.value })}
          >
            <option value="">{t('search.any')}</option>
            {catalog.wrapUpReasons.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        {labels.length > 0 && (
          <label className="field">
            <span className="field-label">{t('labels.filter')}</span>
            <select
              className="select"
              value={form.labelId}
              data-testid="search-label"
              onChange={(e) => change({ labelId: e.target.value })}
            >
              <option value="">{t('search.any')}</option>
              {labels.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span className="field-label">{t('search.from')}</span>
          <input
            className="input"
            type="date"
            value={form.from}
            onChange={(e) => change({ from: e.target.value })}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('search.to')}</span>
          <input
            className="input"
            type="date"
            value={form.to}
            onChange={(e) => change({ to: e.target.value })}
          />
        </label>
        <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
          {busy ? t('search.searching') : t('search.submit')}
        </button>
      </form>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {results !== null && (
        <table className="data-table" aria-label={t('search.results')} data-testid="search-results">
          <thead>
            <tr>
              <th scope="col">{t('search.received')}</th>
              <th scope="col">{t('search.customer')}</th>
              <th scope="col">{t('search.businessNumber')}</th>
              <th scope="col">{t('search.queue')}</th>
              <th scope="col">{t('search.agent')}</th>
              <th scope="col">{t('search.wrapUpReason')}</th>
              <th scope="col">{t('labels.title')}</th>
            </tr>
          </thead>
          <tbody>
            {results.map((hit) => (
              <tr
                key={hit.conversationId}
                data-testid="search-hit"
                data-hit-conversation-id={hit.conversationId}
              >
                <td>{formatDateTime(hit.receivedAt, i18n.language)}</td>
                <td>
                  <button
                    type="button"
                    className="button button-secondary button-compact"
                    data-testid="search-hit-open"
                    title={t('search.open')}
                    onClick={() => setOpened(hit.conversationId)}
                  >
                    <bdi>{hit.customerName}</bdi>
                  </button>{' '}
                  <bdi className="interaction-phone" data-testid="search-hit-phone">
                    {hit.customerPhone || (hit.customerUsername === null ? '' : `@${hit.customerUsername}`)}
                  </bdi>
                </td>
                <td>
                  <bdi>{hit.businessNumber}</bdi>
                </td>
                <td>{hit.queueName}</td>
                <td>{hit.agentName ?? ''}</td>
                <td>{hit.wrapUpReasonName ?? ''}</td>
                <td>
                  <LabelChips labels={hit.labels} />
                </td>
              </tr>
            ))}
            {results.length === 0 && (
              <tr>
                <td colSpan={7} className="data-table-empty">
                  {t('search.none')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {opened !== null && <TranscriptDialog conversationId={opened} onClose={() => setOpened(null)} />}
    </section>
  );
}
