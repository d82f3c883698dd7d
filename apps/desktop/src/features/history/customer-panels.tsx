import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CadVariableView, ConversationView, CustomerView, HistoryEntryView } from '@parlo/protocol';
import { useNotify } from '../shell/notices.tsx';
import { useErrorText } from '../shell/use-error-text.ts';
import {
  fetchConversationCustomer,
  fetchCustomerHistory,
  fetchVariables,
  setVariables,
  updateCustomer,
} from './history-api.ts';
import { HistoryEntry } from './history-entry.tsx';
import { TranscriptDialog } from './transcript-dialog.tsx';
import { useLoad } from './use-load.ts';
import './history.css';

/**
 * Issue 15, beside the conversation in the interaction pane: the customer's record (editable),
 * the conversation's CAD variables and the customer's past conversations. Everything shown comes
 * masked from the server when masking is on (S-12).
 */
export function CustomerPanels({
  conversation,
  snapshotEpoch,
}: {
  conversation: ConversationView;
  /** Bumped by each snapshot (e.g. masking switched): everything is fetched again. */
  snapshotEpoch: number;
}) {
  const { t } = useTranslation();
  const id = conversation.id;
  const key = `${id}#${snapshotEpoch}`;
  const customer = useLoad(key, (signal) => fetchConversationCustomer(id, signal));
  const variables = useLoad(key, (signal) => fetchVariables(id, signal));
  const customerId = customer.data?.id ?? null;
  const history = useLoad(customerId === null ? null : `${customerId}#${snapshotEpoch}`, (signal) =>
    fetchCustomerHistory(customerId ?? '', 20, signal),
  );
  const [open, setOpen] = useState<HistoryEntryView | null>(null);
  const refresh = () => {
    customer.reload();
    variables.reload();
    history.reload();
  };
  return (
    <section className="customer-panels" aria-label={t('history.customer')} data-testid="customer-panels">
      <details className="side-panel" data-testid="customer-panel">
        <summary>
          {t('history.customer')}
          {customer.data && <span className="count-badge">{customer.data.conversationCount}</span>}
        </summary>
        {customer.error !== null && (
          <p className="form-error">{t('history.loadFailed', { reason: customer.error })}</p>
        )}
        {customer.data && (
          <CustomerRecord key={customer.data.id} customer={customer.data} onSaved={customer.reload} />
        )}
      </details>
      <details className="side-panel" data-testid="cad-panel">
        <summary>{t('history.variables')}</summary>
        {variables.error !== null && (
          <p className="form-error">{t('history.loadFailed', { reason: variables.error })}</p>
        )}
        {variables.data && (
          <VariablesTable
            key={id}
            conversationId={id}
            variables={variables.data.variables}
            onSaved={variables.reload}
          />
        )}
        <button type="button" className="button button-small" onClick={refresh}>
          {t('history.refresh')}
        </button>
      </details>
      <details className="side-panel" data-testid="history-panel">
        <summary>
          {t('history.past')}
          {history.data && <span className="count-badge">{history.data.entries.length}</span>}
        </summary>
        {history.error !== null && (
          <p className="form-error">{t('history.loadFailed', { reason: history.error })}</p>
        )}
        {history.data?.entries.length === 0 && <p className="task-empty">{t('history.noPast')}</p>}
        <ul className="history-list">
          {history.data?.entries.map((entry) => (
            <HistoryEntry key={entry.conversationId} entry={entry} onOpen={() => setOpen(entry)} />
          ))}
        </ul>
      </details>
      {open && (
        <TranscriptDialog conversationId={open.conversationId} entry={open} onClose={() => setOpen(null)} />
      )}
    </section>
  );
}

function CustomerRecord({ customer, onSaved }: { customer: CustomerView; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const notify = useNotify();
  const errorText = useErrorText();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState({
    displayName: customer.displayName ?? '',
    language: customer.language ?? '',
    notes: customer.notes ?? '',
  });
  const date = (iso: string | null) =>
    iso === null
      ? '—'
      : new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(iso));
  async function save() {
    try {
      await updateCustomer(customer.id, {
        displayName: draft.displayName.trim() === '' ? null : draft.displayName.trim(),
        language: draft.language.trim() === '' ? null : draft.language.trim(),
        notes: draft.notes === '' ? null : draft.notes,
      });
      setEditing(false);
      notify(t('history.saved'));
      onSaved();
    } catch (error) {
      notify(errorText(error));
    }
  }
  if (editing)
    return (
      <form
        className="customer-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label>
          {t('history.displayName')}
          <input
            className="input"
            value={draft.displayName}
            maxLength={200}
            onChange={(e) => setDraft({ ...draft, displayName: e.target.value })}
          />
        </label>
        <label>
          {t('history.language')}
          <input
            className="input"
            value={draft.language}
            maxLength={35}
            onChange={(e) => setDraft({ ...draft, language: e.target.value })}
          />
        </label>
        <label>
          {t('history.notes')}
          <textarea
            className="input"
            value={draft.notes}
            maxLength={4000}
            onChange={(e) => setDraft({ ...draft, notes: e.target.value })}
          />
        </label>
        <div className="form-actions">
          <button type="submit" className="button button-primary button-small">
            {t('history.save')}
          </button>
          <button type="button" className="button button-small" onClick={() => setEditing(false)}>
            {t('history.cancel')}
          </button>
        </div>
      </form>
    );
  return (
    <dl className="customer-record">
      <dt>{t('history.displayName')}</dt>
      <dd>{customer.displayName ?? customer.name}</dd>
      <dt>{t('history.phone')}</dt>
      <dd>{customer.phone !== '' ? customer.phone : customer.username ? `@${customer.username}` : '—'}</dd>
      <dt>{t('history.language')}</dt>
      <dd>{customer.language ?? '—'}</dd>
      <dt>{t('history.conversations')}</dt>
      <dd>{customer.conversationCount}</dd>
      <dt>{t('history.firstSeen')}</dt>
      <dd>{date(customer.firstSeenAt)}</dd>
      <dt>{t('history.lastSeen')}</dt>
      <dd>{date(customer.lastSeenAt)}</dd>
      <dt>{t('history.notes')}</dt>
      <dd className="customer-notes">{customer.notes ?? '—'}</dd>
      <dd>
        <button type="button" className="button button-small" onClick={() => setEditing(true)}>
          {t('history.edit')}
        </button>
      </dd>
    </dl>
  );
}

function VariablesTable({
  conversationId,
  variables,
  onSaved,
}: {
  conversationId: string;
  variables: readonly CadVariableView[];
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const notify = useNotify();
  const errorText = useErrorText();
  const [edits, setEdits] = useState<Record<string, string>>({});
  const changed = Object.keys(edits).length > 0;
  async function save() {
    try {
      await setVariables(
        conversationId,
        Object.fromEntries(Object.entries(edits).map(([k, v]) => [k, v === '' ? null : v])),
      );
      setEdits({});
      onSaved();
    } catch (error) {
      notify(errorText(error));
    }
  }
  if (variables.length === 0) return <p className="task-empty">{t('history.noVariables')}</p>;
  return (
    <>
      <table className="cad-table" data-testid="cad-table">
        <tbody>
          {variables.map((v) => (
            <tr key={v.key} data-key={v.key} data-system={v.system ? 'true' : 'false'}>
              <th scope="row">
                {v.key}
                {v.system && <span className="cad-system"> ({t('history.systemVariable')})</span>}
              </th>
              <td>
                {v.editable ? (
                  <input
                    className="input"
                    aria-label={v.key}
                    value={edits[v.key] ?? v.value}
                    onChange={(e) => setEdits({ ...edits, [v.key]: e.target.value })}
                  />
                ) : (
                  <span className="cad-value">{v.value}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {changed && (
        <button type="button" className="button button-primary button-small" onClick={() => void save()}>
          {t('history.save')}
        </button>
      )}
    </>
  );
}
