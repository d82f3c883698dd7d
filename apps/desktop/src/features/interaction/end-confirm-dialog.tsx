import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';

interface EndConfirmDialogProps {
  customerName: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * Issue 18: End asks first, since it cannot be undone (the customer's conversation closes). Cancel
 * has the focus, so a stray Enter keeps the conversation open; Escape cancels.
 */
export function EndConfirmDialog({ customerName, onConfirm, onCancel }: EndConfirmDialogProps) {
  const { t } = useTranslation();
  const titleId = useId();
  const bodyId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    cancelRef.current?.focus();
  }, []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);

  return (
    <div className="modal-backdrop">
      <div
        className="modal end-confirm"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
      >
        <h2 id={titleId} className="modal-title">
          {t('desktop.endConfirmTitle')}
        </h2>
        <p id={bodyId} className="modal-intro">
          {t('desktop.endConfirmBody', { name: customerName })}
        </p>
        <footer className="modal-footer end-confirm-footer">
          <button ref={cancelRef} type="button" className="button button-secondary" onClick={onCancel}>
            {t('desktop.cancel')}
          </button>
          <button type="button" className="button button-primary button-end" onClick={onConfirm}>
            {t('desktop.endConfirm')}
          </button>
        </footer>
      </div>
    </div>
  );
}
