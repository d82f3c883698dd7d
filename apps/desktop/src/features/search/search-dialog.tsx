import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Catalog } from '@parlo/protocol';
import { SearchPanel } from './search-panel.tsx';

/**
 * Issue 15: an agent searches their own conversations (the server limits the results to what they
 * took part in, unless they hold `history.readAll`), from the top bar, in a modal.
 */
export function AgentSearchButton({ catalog }: { catalog: Catalog }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button button-ghost"
        data-testid="agent-search-open"
        onClick={() => setOpen(true)}
      >
        {t('search.submit')}
      </button>
      {open && (
        <div className="modal-backdrop" role="presentation" onClick={() => setOpen(false)}>
          <div
            className="modal transcript-dialog"
            role="dialog"
            aria-modal="true"
            aria-label={t('search.mine')}
            data-testid="agent-search-dialog"
            onClick={(e) => e.stopPropagation()}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setOpen(false);
            }}
          >
            <SearchPanel catalog={catalog} />
            <div className="modal-footer">
              <button type="button" className="button" onClick={() => setOpen(false)}>
                {t('history.close')}
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
