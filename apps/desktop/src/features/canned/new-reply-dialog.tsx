import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CannedResponseView } from '@parlo/protocol';
import { asRequestError } from '../../api/request-error.ts';
import { useErrorText } from '../shell/use-error-text.ts';
import { createCannedResponse } from './canned-api.ts';

/** The placeholders every response may use; CAD variables by their key besides. */
export const PLACEHOLDERS = [
  'customer.first_name',
  'customer.name',
  'agent.first_name',
  'agent.name',
  'queue.name',
];

/** An agent saves a reply of their own (issue 18): shortcut, title, text with placeholders. */
export function NewReplyDialog({
  initialShortcut,
  onClose,
  onCreated,
}: {
  initialShortcut: string;
  onClose: () => void;
  onCreated: (response: CannedResponseView) => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [shortcut, setShortcut] = useState(initialShortcut);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Readonly<Record<string, string>>>({});

  async function save() {
    setBusy(true);
    setError(null);
    try {
      onCreated(await createCannedResponse({ queueId: null, shortcut, title, body, language: null }));
    } catch (caught) {
      setError(errorText(caught));
      setFields(asRequestError(caught).fields ?? {});
    } finally {
      setBusy(false);
    }
  }

  const field = (name: 'shortcut' | 'title', value: string, set: (v: string) => void) => (
    <label className="field">
      <span className="field-label">{t(`canned.${name}`)}</span>
      <input
        className="input"
        value={value}
        onChange={(e) => set(e.target.value)}
        aria-invalid={name in fields}
      />
      {fields[name] !== undefined && <span className="field-error">{fields[name]}</span>}
    </label>
  );
  return (
    <div className="modal-backdrop" role="presentation" onClick={onClose}>
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label={t('canned.new')}
        data-testid="new-reply-dialog"
        onClick={(e) => e.stopPropagation()}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
      >
        <h2 className="modal-title">{t('canned.new')}</h2>
        {field('shortcut', shortcut, setShortcut)}
        {field('title', title, setTitle)}
        <label className="field">
          <span className="field-label">{t('canned.body')}</span>
          <textarea className="input" rows={4} value={body} onChange={(e) => setBody(e.target.value)} />
          <span className="field-hint">
            {t('canned.placeholdersHint')} {PLACEHOLDERS.map((p) => `{{${p}}}`).join(' ')}
          </span>
          {fields.body !== undefined && <span className="field-error">{fields.body}</span>}
        </label>
        {error !== null && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="modal-footer">
          <button type="button" className="button" onClick={onClose}>
            {t('canned.cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
            {t('canned.save')}
          </button>
        </div>
      </form>
    </div>
  );
}
