import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { SHORTCUTS, type ShortcutAction } from './shortcuts.ts';
import './shortcuts.css';

const LABEL_KEYS = {
  accept: 'desktop.shortcutAccept',
  next: 'desktop.shortcutNext',
  end: 'desktop.shortcutEnd',
  help: 'desktop.shortcutHelp',
} as const satisfies Record<ShortcutAction, string>;

/** The keyboard shortcuts overlay, opened with `?`; Escape, `?` or Close hide it. */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const titleId = useId();
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div
        className="modal shortcut-help"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onClick={(e) => e.stopPropagation()}
      >
        <header className="modal-header">
          <h2 id={titleId} className="modal-title">
            {t('desktop.shortcutsTitle')}
          </h2>
          <button
            ref={closeRef}
            type="button"
            className="icon-button"
            aria-label={t('desktop.close')}
            onClick={onClose}
          >
            ×
          </button>
        </header>
        <dl className="shortcut-list">
          {SHORTCUTS.map(({ action, keys }) => (
            <div key={action} className="shortcut-row">
              <dt>
                {keys.map((key, i) => (
                  <span key={key}>
                    {i > 0 && ' + '}
                    <kbd>{key}</kbd>
                  </span>
                ))}
              </dt>
              <dd>{t(LABEL_KEYS[action])}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
