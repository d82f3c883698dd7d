import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HistoryEntryView } from '@parlo/protocol';
import { useStoredFlag } from '../../lib/stored-flag.ts';
import { useDesktopState } from '../../realtime/realtime-context.ts';
import { LabelChips } from '../labels/label-chips.tsx';
import { fetchRecent } from './history-api.ts';
import { TranscriptDialog } from './transcript-dialog.tsx';
import { useLoad } from './use-load.ts';
import './history.css';

/**
 * The agent's own recent conversations as task bricks (S-12's "agent interaction history"): title,
 * contact source and inbound number, masked by the server when masking is on. `refreshKey`
 * changes when the agent's open conversations change (one just wrapped up joins the list); every
 * snapshot refetches it too. Folded at first; an agent who unfolds it finds it unfolded on the next
 * sign-in (kept in this browser).
 */
export function RecentConversations({ refreshKey }: { refreshKey: string }) {
  const { t } = useTranslation();
  // A snapshot (e.g. the administrator switched masking) refetches too: what shows must match it.
  const { snapshotEpoch } = useDesktopState();
  const recent = useLoad(`${refreshKey}#${snapshotEpoch}`, (signal) => fetchRecent(20, signal));
  const [open, setOpen] = useState<HistoryEntryView | null>(null);
  const [unfolded, setUnfolded] = useStoredFlag('parlo.recentConversations.unfolded');
  return (
    <details
      className="recent-conversations"
      data-testid="recent-conversations"
      open={unfolded}
      onToggle={(e) => setUnfolded(e.currentTarget.open)}
    >
      <summary className="pane-title">{t('history.recent')}</summary>
      {recent.data?.entries.length === 0 && <p className="task-empty">{t('history.noRecent')}</p>}
      <ul className="task-list">
        {recent.data?.entries.map((entry) => (
          <li key={entry.conversationId}>
            <button
              type="button"
              className="task-item task-brick"
              data-testid="recent-item"
              data-history-conversation-id={entry.conversationId}
              onClick={() => setOpen(entry)}
            >
              <bdi className="task-title">{entry.title}</bdi>
              <span className="task-brick-line">
                {t('history.contactSource')}:{' '}
                <bdi>{entry.contactSource !== '' ? entry.contactSource : '—'}</bdi>
              </span>
              <span className="task-brick-line">
                {t('history.inbound')}: {entry.inbound}
              </span>
              {/* Issue 18: the conversation's labels. */}
              <LabelChips labels={entry.labels} />
            </button>
          </li>
        ))}
      </ul>
      {open && (
        <TranscriptDialog conversationId={open.conversationId} entry={open} onClose={() => setOpen(null)} />
      )}
    </details>
  );
}
