import { useEffect, useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CannedResponseView } from '@parlo/protocol';
import { useErrorText } from '../shell/use-error-text.ts';
import { fetchCannedResponses, renderCannedResponse } from './canned-api.ts';
import { cannedQueryOf, filterCanned } from './canned-filter.ts';
import { NewReplyDialog } from './new-reply-dialog.tsx';
import './canned.css';

/** What the composer gets from the picker: keys it handles, and what to render above the input. */
export interface CannedPicker {
  /** True when the picker took the key (the composer must not send on this Enter). */
  readonly onKeyDown: (event: KeyboardEvent<HTMLTextAreaElement>) => boolean;
  /** The list (while the draft is a `/` command), or a note of placeholders left to fill. */
  readonly element: ReactNode;
  /** The listbox's id and the active option's, for the textarea's ARIA attributes. */
  readonly listId: string | undefined;
  readonly activeId: string | undefined;
}

/**
 * Issue 18: typing `/` in the composer lists the canned responses the agent may use (their
 * queues' and their own), searched as they type; Enter, Tab or a click puts the chosen one in the
 * draft, filled by the server from the customer and the conversation's CAD variables (masked as
 * the pane is; the list itself shows responses as written, never filled). Escape leaves the draft.
 */
export function useCannedPicker(
  draft: string,
  conversationId: string,
  onInsert: (text: string) => void,
): CannedPicker {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const listId = useId();
  const query = cannedQueryOf(draft);
  const [responses, setResponses] = useState<CannedResponseView[] | null>(null);
  // The highlighted row, for the query it was chosen in: a new query starts at the top.
  const [activeFor, setActiveFor] = useState<{ query: string | null; index: number }>({
    query: null,
    index: 0,
  });
  const active = activeFor.query === query ? activeFor.index : 0;
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [missing, setMissing] = useState<readonly string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const wanted = query !== null && dismissed !== draft;

  useEffect(() => {
    if (!wanted || responses !== null) return;
    const controller = new AbortController();
    fetchCannedResponses(false, controller.signal).then(setResponses, (caught: unknown) => {
      if (!controller.signal.aborted) setError(errorText(caught));
    });
    return () => controller.abort();
  }, [wanted, responses, errorText]);

  const items = wanted ? filterCanned(responses ?? [], query) : [];
  const open = wanted && responses !== null;
  const chosen = items[Math.min(active, items.length - 1)];

  function choose(item: CannedResponseView | undefined) {
    if (!item) return;
    setError(null);
    renderCannedResponse(conversationId, item.id).then(
      (rendered) => {
        onInsert(rendered.text);
        setMissing(rendered.missing);
      },
      (caught: unknown) => setError(errorText(caught)),
    );
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (!open) return false;
    const move = (by: number) => {
      event.preventDefault();
      if (items.length > 0) setActiveFor({ query, index: (active + by + items.length) % items.length });
    };
    switch (event.key) {
      case 'ArrowDown':
        move(1);
        return true;
      case 'ArrowUp':
        move(-1);
        return true;
      case 'Enter':
      case 'Tab':
        if (event.shiftKey || event.nativeEvent.isComposing || !chosen) return false;
        event.preventDefault();
        choose(chosen);
        return true;
      case 'Escape':
        event.preventDefault();
        setDismissed(draft);
        return true;
      default:
        return false;
    }
  }

  const optionId = (item: CannedResponseView) => `${listId}-${item.id}`;
  const element = (
    <>
      {open && (
        <div className="canned-picker" data-testid="canned-picker">
          {items.length === 0 ? (
            <p className="canned-empty">{t('canned.none')}</p>
          ) : (
            <ul className="canned-list" role="listbox" id={listId} aria-label={t('canned.title')}>
              {items.map((item) => (
                <li
                  key={item.id}
                  id={optionId(item)}
                  role="option"
                  aria-selected={item === chosen}
                  className={`canned-option${item === chosen ? ' canned-option-active' : ''}`}
                  data-testid="canned-option"
                  onMouseDown={(e) => {
                    // Keep the focus in the textarea.
                    e.preventDefault();
                    choose(item);
                  }}
                >
                  <span className="canned-shortcut">/{item.shortcut}</span>{' '}
                  <span className="canned-title">{item.title}</span>
                  {item.personal && <span className="canned-badge">{t('canned.mine')}</span>}
                  <span className="canned-preview">{item.body}</span>
                </li>
              ))}
            </ul>
          )}
          <button
            type="button"
            className="button button-secondary button-compact"
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => setCreating(true)}
          >
            {t('canned.new')}
          </button>
        </div>
      )}
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {!open && missing.length > 0 && (
        <p className="canned-missing" role="status" data-testid="canned-missing">
          {t('canned.fillIn', { names: missing.join(', ') })}
        </p>
      )}
      {creating && (
        <NewReplyDialog
          initialShortcut={query ?? ''}
          onClose={() => setCreating(false)}
          onCreated={(created) => {
            setCreating(false);
            setResponses((list) => [...(list ?? []), created]);
          }}
        />
      )}
    </>
  );
  return {
    onKeyDown,
    element,
    listId: open && items.length > 0 ? listId : undefined,
    activeId: open && chosen ? optionId(chosen) : undefined,
  };
}
