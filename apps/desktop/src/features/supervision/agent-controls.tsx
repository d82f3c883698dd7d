import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NamedItem, SupervisedAgentView } from '@parlo/protocol';
import { setSupervisedAgentState } from '../../api/client.ts';
import { useErrorText } from '../shell/use-error-text.ts';
import { signOutAgent } from './supervision-client.ts';
import './supervision.css';

/**
 * Issue 16, force state: a supervisor sets an agent Idle with a code, or signs them out (their
 * work then follows the disconnect rules). Both audited on the server.
 */
export function AgentControls({
  agents,
  idleCodes,
  onChanged,
}: {
  agents: readonly SupervisedAgentView[];
  idleCodes: readonly NamedItem[];
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const titleId = useId();
  const [agentId, setAgentId] = useState('');
  const [idleCodeId, setIdleCodeId] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const agent = agents.find((a) => a.userId === agentId);
  const code = idleCodeId || idleCodes[0]?.id || '';

  async function run(work: () => Promise<unknown>) {
    try {
      await work();
      setNotice(t('supervision.agents.done', { name: agent?.displayName ?? agentId }));
      onChanged();
    } catch (err) {
      setNotice(t('supervision.monitor.failed', { reason: errorText(err) }));
    }
  }

  return (
    <section className="agent-controls" aria-labelledby={titleId}>
      <h3 id={titleId}>{t('supervision.agents.title')}</h3>
      <div className="supervision-filters">
        <label>
          {t('supervision.agents.agent')}
          <select value={agentId} onChange={(e) => setAgentId(e.target.value)} data-testid="force-agent">
            <option value="" />
            {agents.map((a) => (
              <option key={a.userId} value={a.userId}>
                {a.displayName}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('supervision.agents.idleCode')}
          <select value={code} onChange={(e) => setIdleCodeId(e.target.value)} data-testid="force-idle-code">
            {idleCodes.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button button-secondary"
          disabled={agentId === '' || code === ''}
          data-testid="force-idle"
          onClick={() => void run(() => setSupervisedAgentState(agentId, { kind: 'idle', idleCodeId: code }))}
        >
          {t('supervision.agents.setIdle')}
        </button>
        <button
          type="button"
          className="button button-secondary"
          disabled={agentId === ''}
          data-testid="force-sign-out"
          onClick={() => void run(() => signOutAgent(agentId))}
        >
          {t('supervision.agents.signOut')}
        </button>
      </div>
      {notice !== null && (
        <p className="monitor-notice" role="status">
          {notice}
        </p>
      )}
    </section>
  );
}
