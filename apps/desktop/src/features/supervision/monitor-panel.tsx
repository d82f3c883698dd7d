import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  Catalog,
  CollaborationTarget,
  LiveConversationView,
  MonitorView,
  SupervisedAgentView,
} from '@parlo/protocol';
import { newClientMessageId } from '../../lib/client-message-id.ts';
import { MessageBubble } from '../interaction/message-bubble.tsx';
import { useErrorText } from '../shell/use-error-text.ts';
import {
  bargeInto,
  leave,
  openMonitorSocket,
  reassignTo,
  whisperTo,
  writeToCustomer,
} from './supervision-client.ts';
import './supervision.css';

interface MonitorPanelProps {
  conversation: LiveConversationView;
  catalog: Catalog;
  agents: readonly SupervisedAgentView[];
  onClose: () => void;
  /** An action changed the conversation: the list refreshes. */
  onChanged: () => void;
}

/**
 * Issue 16: one live conversation, read-only and pushed (the monitor socket sends a fresh view
 * after every change), with the supervisor's actions: whisper, barge-in (then write and leave),
 * reassign.
 */
export function MonitorPanel({ conversation, catalog, agents, onClose, onChanged }: MonitorPanelProps) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const titleId = useId();
  const [view, setView] = useState<MonitorView | null>(null);
  const [ended, setEnded] = useState(false);
  const [whisper, setWhisper] = useState('');
  const [message, setMessage] = useState('');
  const [target, setTarget] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(
    () =>
      openMonitorSocket(conversation.id, (frame) => {
        if (frame.type === 'monitor') setView(frame.view);
        else setEnded(true);
      }),
    [conversation.id],
  );

  async function act(work: () => Promise<unknown>, after?: () => void): Promise<void> {
    setBusy(true);
    try {
      const result = await work();
      if (result && typeof result === 'object' && 'conversation' in result) setView(result as MonitorView);
      setNotice(t('supervision.monitor.done'));
      after?.();
      onChanged();
    } catch (err) {
      setNotice(t('supervision.monitor.failed', { reason: errorText(err) }));
    } finally {
      setBusy(false);
    }
  }

  function onWhisper(event: FormEvent) {
    event.preventDefault();
    const text = whisper.trim();
    if (text === '') return;
    void act(
      () => whisperTo(conversation.id, text, newClientMessageId()),
      () => setWhisper(''),
    );
  }

  function onWrite(event: FormEvent) {
    event.preventDefault();
    const text = message.trim();
    if (text === '') return;
    void act(
      () => writeToCustomer(conversation.id, text, newClientMessageId()),
      () => setMessage(''),
    );
  }

  function onReassign(event: FormEvent) {
    event.preventDefault();
    const [kind, id] = target.split(':');
    if (!id) return;
    const to: CollaborationTarget =
      kind === 'queue' ? { kind: 'queue', queueId: id } : { kind: 'agent', agentId: id };
    void act(() => reassignTo(conversation.id, to));
  }

  const live = view?.conversation ?? conversation;
  const bargedIn = view?.bargedIn ?? false;
  return (
    <section className="monitor-panel" aria-labelledby={titleId} data-testid="monitor-panel">
      <div className="supervision-head">
        <h3 id={titleId}>{t('supervision.monitor.title', { customer: live.customerName })}</h3>
        <button type="button" className="button button-secondary" onClick={onClose}>
          {t('supervision.monitor.close')}
        </button>
      </div>
      <p className="monitor-hint">{t('supervision.monitor.readOnly')}</p>
      {live.supervisors.length > 0 && (
        <p className="monitor-hint">
          {t('supervision.monitor.supervisors', { names: live.supervisors.join(', ') })}
        </p>
      )}
      {ended && <p className="supervision-empty">{t('supervision.monitor.ended')}</p>}
      {!ended && view === null && <p className="supervision-empty">{t('supervision.monitor.connecting')}</p>}
      <div className="monitor-messages" data-testid="monitor-messages" aria-live="polite">
        {view?.messages.map((m) => (
          <MessageBubble key={m.id} message={m} customerName={live.customerName} agentName="" />
        ))}
      </div>
      {!ended && (
        <div className="monitor-actions">
          <form className="monitor-form" onSubmit={onWhisper}>
            <label>
              {t('supervision.monitor.whisperLabel')}
              <textarea
                value={whisper}
                rows={2}
                placeholder={t('supervision.monitor.whisperPlaceholder')}
                onChange={(e) => setWhisper(e.target.value)}
                data-testid="whisper-input"
              />
            </label>
            <button type="submit" className="button" disabled={busy} data-testid="whisper-send">
              {t('supervision.monitor.whisper')}
            </button>
          </form>
          {live.phase === 'active' && !bargedIn && (
            <button
              type="button"
              className="button button-secondary"
              disabled={busy}
              data-testid="barge-in"
              onClick={() => void act(() => bargeInto(conversation.id))}
            >
              {t('supervision.monitor.bargeIn')}
            </button>
          )}
          {bargedIn && (
            <form className="monitor-form monitor-form-barge" onSubmit={onWrite}>
              <p className="monitor-hint">{t('supervision.monitor.bargedIn')}</p>
              <label>
                {t('supervision.monitor.messageLabel')}
                <textarea
                  value={message}
                  rows={2}
                  onChange={(e) => setMessage(e.target.value)}
                  data-testid="barge-input"
                />
              </label>
              <div className="monitor-buttons">
                <button type="submit" className="button" disabled={busy} data-testid="barge-send">
                  {t('supervision.monitor.send')}
                </button>
                <button
                  type="button"
                  className="button button-secondary"
                  disabled={busy}
                  data-testid="barge-leave"
                  onClick={() => void act(() => leave(conversation.id))}
                >
                  {t('supervision.monitor.leave')}
                </button>
              </div>
            </form>
          )}
          {live.phase === 'active' && (
            <form className="monitor-form monitor-form-inline" onSubmit={onReassign}>
              <label>
                {t('supervision.monitor.reassignLabel')}
                <select
                  value={target}
                  onChange={(e) => setTarget(e.target.value)}
                  data-testid="reassign-target"
                >
                  <option value="" />
                  {catalog.queues.map((q) => (
                    <option key={q.id} value={`queue:${q.id}`}>
                      {t('supervision.monitor.queueOption', { name: q.name })}
                    </option>
                  ))}
                  {agents
                    .filter((a) => a.userId !== live.ownerId)
                    .map((a) => (
                      <option key={a.userId} value={`agent:${a.userId}`}>
                        {t('supervision.monitor.agentOption', { name: a.displayName })}
                      </option>
                    ))}
                </select>
              </label>
              <button
                type="submit"
                className="button button-secondary"
                disabled={busy || target === ''}
                data-testid="reassign"
              >
                {t('supervision.monitor.reassign')}
              </button>
            </form>
          )}
          {notice !== null && (
            <p className="monitor-notice" role="status">
              {notice}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
