import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { asRequestError } from '../../api/request-error.ts';
import { filterRows } from './form-model.ts';
import { Modal } from './form-dialog.tsx';

export interface Column<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
  numeric?: boolean;
}

export type FormMode<Row> = { kind: 'create' } | { kind: 'edit'; row: Row };

interface ResourceSectionProps<Row extends { id: string }> {
  title: string;
  /** Singular, for "New queue", "Edit Support", "Delete Support". */
  newLabel: string;
  rows: readonly Row[];
  loading: boolean;
  loadError: string | null;
  onRetry: () => void;
  columns: readonly Column<Row>[];
  /** The row's name for its buttons' accessible names and the delete confirmation. */
  nameOf: (row: Row) => string;
  /** The texts the search box matches. */
  searchTexts: (row: Row) => readonly (string | null | undefined)[];
  renderForm: (mode: FormMode<Row>, close: () => void) => ReactNode;
  /** What the delete confirmation says depends on the row. */
  describeDelete: (row: Row) => ReactNode;
  onDelete: (row: Row) => Promise<void>;
  /** Why the server would refuse to delete this row (shown before the click); null: it may go. */
  deleteRefusal?: (row: Row) => string | null;
}

/**
 * One administered resource: a searchable table, New / Edit in a form dialog, and Delete behind a
 * confirmation that says what depends on the row. After each change the list reloads (the parent
 * does that in `onDelete` / the forms' success).
 */
export function ResourceSection<Row extends { id: string }>(props: ResourceSectionProps<Row>) {
  const { t } = useTranslation();
  const titleId = useId();
  const [query, setQuery] = useState('');
  const [form, setForm] = useState<FormMode<Row> | null>(null);
  const [deleting, setDeleting] = useState<Row | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const visible = filterRows(props.rows, query, props.searchTexts);

  return (
    <section className="admin-section" aria-labelledby={titleId}>
      <div className="admin-section-header">
        <h2 id={titleId} className="admin-section-title">
          {props.title}
        </h2>
        <button type="button" className="button button-primary" onClick={() => setForm({ kind: 'create' })}>
          {props.newLabel}
        </button>
      </div>
      <input
        className="input admin-search"
        type="search"
        aria-label={t('console.searchIn', { section: props.title })}
        placeholder={t('console.searchPlaceholder')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {props.loadError !== null && (
        <div className="admin-load-failed">
          <p className="form-error" role="alert">
            {props.loadError}
          </p>
          <button type="button" className="button button-secondary" onClick={props.onRetry}>
            {t('console.retry')}
          </button>
        </div>
      )}
      <table className="data-table" aria-labelledby={titleId}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.header} scope="col" className={c.numeric ? 'numeric' : undefined}>
                {c.header}
              </th>
            ))}
            <th scope="col" className="actions">
              <span className="visually-hidden">{t('console.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {visible.map((row) => (
            <tr key={row.id} data-id={row.id}>
              {props.columns.map((c, index) =>
                index === 0 ? (
                  <th key={c.header} scope="row">
                    {c.cell(row)}
                  </th>
                ) : (
                  <td key={c.header} className={c.numeric ? 'numeric' : undefined}>
                    {c.cell(row)}
                  </td>
                ),
              )}
              <td className="actions">
                <button
                  type="button"
                  className="button button-secondary button-compact"
                  aria-label={t('console.editName', { name: props.nameOf(row) })}
                  onClick={() => setForm({ kind: 'edit', row })}
                >
                  {t('console.edit')}
                </button>{' '}
                <button
                  type="button"
                  className="button button-secondary button-compact admin-delete"
                  aria-label={t('console.deleteName', { name: props.nameOf(row) })}
                  aria-describedby={props.deleteRefusal?.(row) ? `${row.id}-delete-refusal` : undefined}
                  disabled={Boolean(props.deleteRefusal?.(row))}
                  onClick={() => setDeleting(row)}
                >
                  {t('console.delete')}
                </button>
                {props.deleteRefusal?.(row) && (
                  <span
                    className="admin-delete-refusal"
                    id={`${row.id}-delete-refusal`}
                    data-testid="delete-refusal"
                  >
                    {props.deleteRefusal(row)}
                  </span>
                )}
              </td>
            </tr>
          ))}
          {visible.length === 0 && (
            <tr>
              <td colSpan={props.columns.length + 1} className="data-table-empty">
                {props.loading
                  ? t('console.loading')
                  : props.rows.length === 0
                    ? t('console.none')
                    : t('console.noMatch')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <p className="admin-status" role="status">
        {notice !== null && <span className="admin-status-saved">{notice}</span>}
      </p>
      {form !== null &&
        props.renderForm(form, () => {
          setForm(null);
        })}
      {deleting !== null && (
        <DeleteDialog
          name={props.nameOf(deleting)}
          description={props.describeDelete(deleting)}
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            await props.onDelete(deleting);
            setNotice(t('console.deleted', { name: props.nameOf(deleting) }));
            setDeleting(null);
          }}
        />
      )}
    </section>
  );
}

function DeleteDialog({
  name,
  description,
  onCancel,
  onConfirm,
}: {
  name: string;
  description: ReactNode;
  onCancel: () => void;
  onConfirm: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      title={t('console.deleteTitle', { name })}
      onClose={onCancel}
      onSubmit={() => {
        if (busy) return;
        setBusy(true);
        setError(null);
        onConfirm().catch((caught: unknown) => {
          const failure = asRequestError(caught);
          const detail = failure.fields ? Object.values(failure.fields).join(' ') : '';
          setError(`${t(`errors.${failure.code}`)}${detail ? ` ${detail}` : ''}`);
          setBusy(false);
        });
      }}
    >
      <div className="delete-description">{description}</div>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <footer className="modal-footer admin-modal-footer">
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {t('console.cancel')}
        </button>
        <button type="submit" className="button button-danger" disabled={busy} aria-busy={busy}>
          {t('console.confirmDelete')}
        </button>
      </footer>
    </Modal>
  );
}
