import { useTranslation } from 'react-i18next';
import type { ConversationView, MessageView } from '@parlo/protocol';
import { RecentConversations } from '../history/recent-conversations.tsx';
import { LabelChips } from '../labels/label-chips.tsx';
import { useConversationLabels } from '../labels/use-conversation-labels.ts';
import './task-pane.css';

interface TaskPaneProps {
  conversations: readonly ConversationView[];
  messages: Readonly<Record<string, readonly MessageView[]>>;
  selectedId: string | null;
  onSelect: (conversationId: string) => void;
}

/** The agent's open conversations (S-12 task pane): title, contact source, phase, last message. */
export function TaskPane({ conversations, messages, selectedId, onSelect }: TaskPaneProps) {
  const { t } = useTranslation();
  // Issue 18: each conversation's labels, as chips under its title.
  const labels = useConversationLabels();
  return (
    <nav className="task-pane" aria-labelledby="task-pane-title">
      <h2 id="task-pane-title" className="pane-title">
        {t('tasks.title')}
        <span className="count-badge">{conversations.length}</span>
      </h2>
      {conversations.length === 0 ? (
        <p className="task-empty">{t('tasks.empty')}</p>
      ) : (
        <ul className="task-list">
          {conversations.map((c) => {
            const last = messages[c.id]?.at(-1);
            return (
              <li key={c.id}>
                <button
                  type="button"
                  className={`task-item${c.id === selectedId ? ' task-item-selected' : ''}`}
                  aria-current={c.id === selectedId ? 'true' : undefined}
                  data-testid="task-item"
                  data-conversation-id={c.id}
                  data-phase={c.phase}
                  onClick={() => onSelect(c.id)}
                >
                  <span className="task-row">
                    <bdi className="task-title">{c.customerName}</bdi>
                    {/* S-7 (issue 18): a conversation whose number or queue was deleted is stopped. */}
                    {c.blockedBy !== null && c.phase === 'active' ? (
                      <span className="phase-badge phase-stopped" data-testid="task-stopped">
                        {t('tasks.phaseStopped')}
                      </span>
                    ) : (
                      <span className={`phase-badge phase-${c.phase}`}>
                        {c.phase === 'active' ? t('tasks.phaseActive') : t('tasks.phaseWrapUp')}
                      </span>
                    )}
                  </span>
                  <span className="task-source" title={t('tasks.contactSource')}>
                    <bdi>{c.businessNumber}</bdi> · {c.queueName}
                  </span>
                  <LabelChips labels={labels[c.id]} />
                  {last && <span className="task-preview">{last.text}</span>}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {/* Issue 15: the agent's own past conversations; refreshed as open ones leave the list. */}
      <RecentConversations refreshKey={conversations.map((c) => c.id).join(',')} />
    </nav>
  );
}
