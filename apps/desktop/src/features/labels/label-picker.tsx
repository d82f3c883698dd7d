import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LabelView } from '@parlo/protocol';
import { useDesktopState, useDispatch } from '../../realtime/realtime-context.ts';
import { useNotify } from '../shell/notices.tsx';
import { useErrorText } from '../shell/use-error-text.ts';
import { LabelChip, LabelChips } from './label-chips.tsx';
import { fetchLabels, setConversationLabel } from './labels-api.ts';

/**
 * Issue 18: the conversation header's labels: its chips and a small picker (every label the
 * administrator defined, a checkbox each) to set and unset them. The server pushes the change to
 * every participant; the answer updates this desktop at once.
 */
export function LabelPicker({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const dispatch = useDispatch();
  const notify = useNotify();
  const errorText = useErrorText();
  const current = useDesktopState().labels?.[conversationId];
  const [open, setOpen] = useState(false);
  const [all, setAll] = useState<LabelView[] | null>(null);
  /** The change being saved: its box shows the new state at once. */
  const [pending, setPending] = useState<{ id: string; on: boolean } | null>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const abort = new AbortController();
    fetchLabels(abort.signal).then(setAll, (caught: unknown) => {
      if (!abort.signal.aborted) notify(errorText(caught));
    });
    return () => abort.abort();
  }, [open, notify, errorText]);

  async function toggle(label: LabelView, on: boolean) {
    setPending({ id: label.id, on });
    try {
      const answer = await setConversationLabel(conversationId, label.id, on);
      dispatch({ type: 'labels.loaded', conversations: [answer] });
    } catch (caught) {
      notify(errorText(caught));
    } finally {
      setPending(null);
    }
  }

  const carried = new Set((current ?? []).map((l) => l.id));
  return (
    <div className="label-picker-anchor">
      <LabelChips labels={current} />
      <button
        type="button"
        className="button button-secondary button-compact"
        aria-expanded={open}
        aria-controls={panelId}
        data-testid="label-picker-open"
        onClick={() => setOpen((o) => !o)}
      >
        {t('labels.edit')}
      </button>
      {open && (
        <div
          id={panelId}
          className="label-picker"
          role="group"
          aria-label={t('labels.pickerTitle')}
          data-testid="label-picker"
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
          }}
        >
          {all !== null && all.length === 0 && <p className="empty-hint">{t('labels.noneDefined')}</p>}
          {all?.map((label) => (
            <label key={label.id} className="label-picker-option">
              <input
                type="checkbox"
                checked={pending?.id === label.id ? pending.on : carried.has(label.id)}
                disabled={pending !== null}
                data-testid="label-picker-option"
                data-label-name={label.name}
                onChange={(e) => void toggle(label, e.target.checked)}
              />
              <LabelChip label={label} />
            </label>
          ))}
        </div>
      )}
    </div>
  );
}
