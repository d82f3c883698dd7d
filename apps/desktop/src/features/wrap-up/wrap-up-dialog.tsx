import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationView, NamedItem } from '@parlo/protocol';
import { wrapUp } from '../../api/client.ts';
import { asRequestError } from '../../api/request-error.ts';
import { useDispatch } from '../../realtime/realtime-context.ts';
import { useErrorText } from '../shell/use-error-text.ts';
import { filterReasons } from './filter-reasons.ts';
import { customerHandle } from '../../lib/customer-handle.ts';

interface WrapUpDialogProps {
  conversation: ConversationView;
  reasons: readonly NamedItem[];
  onClose: () => void;
  /** Called after the server accepted the wrap-up; the conversation is gone from the task pane. */
  onCompleted: (conversationId: string) => void;
}

/**
 * S-24..S-26: the Wrap-up reasons dialog. A search field filters the reasons (radio buttons);
 * Submit wrap-up stays disabled until one is chosen. Closing it leaves the conversation in
 * wrap-up, reachable again from its Wrap up button.
 */
export function WrapUpDialog({ conversation, reasons, onClose, onCompleted }: WrapUpDialogProps) {
  const { t } = useTranslation();
  const dispatch = useDispatch();
  const errorText = useErrorText();
  const titleId = useId();
  const searchRef = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [reasonId, setReasonId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const visible = filterReasons(reasons, query);
  const chosen = reasons.find((r) => r.id === reasonId) ?? null;

  useEffect(() => {
    searchRef.current?.focus();
  }, []);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key === 'Escape') onClose();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!chosen || busy) return;
    setBusy(true);
    setError(null);
    try {
      await wrapUp(conversation.id, { reasonId: chosen.id });
      dispatch({ type: 'conversation.completed', conversationId: conversation.id });
      onCompleted(conversation.id);
    } catch (caught) {
      const failure = asRequestError(caught);
      if (failure.code === 'CONVERSATION_NOT_IN_WRAP_UP' || failure.code === 'NOT_FOUND') {
        // Already completed elsewhere (another tab, a retry): nothing is left to wrap up.
        dispatch({ type: 'conversation.completed', conversationId: conversation.id });
        onCompleted(conversation.id);
        return;
      }
      setError(errorText(failure));
      setBusy(false);
    }
  }

  return (
    <div className="modal-backdrop">
      <form
        className="modal wrap-up-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onSubmit={(e) => void submit(e)}
      >
        <header className="modal-header">
          <div>
            <h2 id={titleId} className="modal-title">
              {t('wrapUp.title')}
            </h2>
            <p className="modal-subtitle">
              <bdi>{conversation.customerName}</bdi> · <bdi>{customerHandle(conversation)}</bdi>
            </p>
          </div>
          <button type="button" className="icon-button" aria-label={t('wrapUp.close')} onClick={onClose}>
            ×
          </button>
        </header>
        <p className="modal-intro">{t('wrapUp.intro')}</p>
        <input
          ref={searchRef}
          className="input"
          type="search"
          aria-label={t('wrapUp.search')}
          placeholder={t('wrapUp.searchPlaceholder')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <fieldset className="reason-list">
          <legend className="visually-hidden">{t('wrapUp.title')}</legend>
          {visible.length === 0 && <p className="message-note">{t('wrapUp.noMatch')}</p>}
          {visible.map((reason) => (
            <label key={reason.id} className={`reason${reason.id === reasonId ? ' reason-selected' : ''}`}>
              <input
                type="radio"
                name="wrap-up-reason"
                value={reason.id}
                checked={reason.id === reasonId}
                onChange={() => setReasonId(reason.id)}
              />
              <span>{reason.name}</span>
            </label>
          ))}
        </fieldset>
        {error !== null && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <footer className="modal-footer">
          <span className="reason-chosen">{chosen ? t('wrapUp.selected', { name: chosen.name }) : ''}</span>
          <button type="submit" className="button button-primary" disabled={!chosen || busy} aria-busy={busy}>
            {t('wrapUp.submit')}
          </button>
        </footer>
      </form>
    </div>
  );
}
