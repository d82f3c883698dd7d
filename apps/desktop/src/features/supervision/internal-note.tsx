import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageView } from '@parlo/protocol';
import { useDesktopState } from '../../realtime/realtime-context.ts';
import { useNotify } from '../shell/notices.tsx';
import './supervision.css';

/**
 * An internal note or a supervisor's whisper (issues 16 and 18) in the interaction pane: never
 * sent to the customer, so it looks like neither side of the chat — a yellow card across the pane
 * with its author and a lock.
 */
export function InternalNoteBubble({ message, time }: { message: MessageView; time: ReactNode }) {
  const { t } = useTranslation();
  const whisper = message.content?.kind === 'internalNote' && message.content.by === 'supervisor';
  return (
    <div className="bubble-row bubble-row-note">
      <div
        className={`bubble bubble-note${whisper ? ' bubble-whisper' : ''}`}
        data-testid="bubble"
        data-direction="system"
        data-note={whisper ? 'whisper' : 'internal'}
      >
        <p className="bubble-note-author">
          <span aria-hidden="true">🔒 </span>
          {t(whisper ? 'supervision.note.whisper' : 'supervision.note.internal', {
            name: message.authorName,
          })}
        </p>
        <p className="bubble-text">{message.text}</p>
        <div className="bubble-meta">{time}</div>
      </div>
    </div>
  );
}

/** Issue 16: "Monitored by …" in the agent's pane, when the administrator lets agents see it. */
export function MonitoringBadge({ supervisors }: { supervisors: readonly string[] | undefined }) {
  const { t } = useTranslation();
  if (!supervisors || supervisors.length === 0) return null;
  return (
    <p className="monitoring-badge" data-testid="monitoring-badge" role="status">
      {t('supervision.monitoredBy', { names: supervisors.join(', ') })}
    </p>
  );
}

/**
 * Issue 18: a notice each time a colleague or a supervisor mentions this agent (`@username`) in a
 * note — who, and with which customer; never the note (the agent may not take part in it).
 */
export function MentionNotices() {
  const { t } = useTranslation();
  const notify = useNotify();
  const mentions = useDesktopState().mentions;
  // Mentions already shown (a resync replays none: the state keeps them).
  const shown = useRef<Set<string>>(new Set());
  useEffect(() => {
    for (const m of mentions ?? []) {
      if (shown.current.has(m.messageId)) continue;
      shown.current.add(m.messageId);
      notify(t('supervision.mentioned', { by: m.by, customer: m.customerName }));
    }
  }, [mentions, notify, t]);
  return null;
}
