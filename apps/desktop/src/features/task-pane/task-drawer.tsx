import { useEffect, useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import './task-pane.css';

interface TaskDrawerToggleProps {
  /** Open conversations, shown on the button. */
  count: number;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The task pane. */
  children: ReactNode;
}

/**
 * Issue 18: on a narrow screen (below 768 px) the task pane is a drawer, opened from a button
 * above the conversation and closed by choosing a conversation, Close, the backdrop or Escape.
 * On wider screens the drawer is laid out as the workspace's first column and the button is gone.
 */
export function TaskDrawerToggle({ count, open, onOpenChange, children }: TaskDrawerToggleProps) {
  const { t } = useTranslation();
  const drawerId = useId();

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onOpenChange(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, onOpenChange]);

  return (
    <>
      <div className="task-drawer-bar">
        <button
          type="button"
          className="button button-secondary"
          aria-expanded={open}
          aria-controls={drawerId}
          data-testid="open-tasks"
          onClick={() => onOpenChange(true)}
        >
          <span aria-hidden="true">☰</span>
          {t('desktop.openTasks')}
          <span className="count-badge">{count}</span>
        </button>
      </div>
      <div
        id={drawerId}
        className={`task-drawer${open ? ' task-drawer-open' : ''}`}
        data-testid="task-drawer"
      >
        <button
          type="button"
          className="icon-button task-drawer-close"
          aria-label={t('desktop.closeTasks')}
          onClick={() => onOpenChange(false)}
        >
          ×
        </button>
        {children}
      </div>
      {open && (
        <div className="task-drawer-backdrop" aria-hidden="true" onClick={() => onOpenChange(false)} />
      )}
    </>
  );
}
