import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AgentStateView, AgentView, NamedItem, SetAgentStateRequest } from '@parlo/protocol';
import { setAgentState } from '../../api/client.ts';
import { requestNotificationPermission } from '../../lib/notification-permission.ts';
import { useNow } from '../../lib/clock.ts';
import { elapsedSince, formatDuration } from '../../lib/format.ts';
import { useDispatch } from '../../realtime/realtime-context.ts';
import { useNotify } from '../shell/notices.tsx';
import { useErrorText } from '../shell/use-error-text.ts';
import './agent-state.css';

const AVAILABLE = 'available';
const RONA = 'rona';
const IDLE_PREFIX = 'idle:';

function optionValue(state: AgentStateView): string {
  switch (state.kind) {
    case 'available':
      return AVAILABLE;
    case 'idle':
      return IDLE_PREFIX + state.idleCodeId;
    case 'rona':
      return RONA;
  }
}

function toRequest(value: string): SetAgentStateRequest | null {
  if (value === AVAILABLE) return { kind: 'available' };
  if (value.startsWith(IDLE_PREFIX)) return { kind: 'idle', idleCodeId: value.slice(IDLE_PREFIX.length) };
  return null;
}

interface AgentStateControlProps {
  agent: AgentView;
  idleCodes: readonly NamedItem[];
}

/**
 * S-3/S-4: the agent picks Available or Idle with a code. RONA is never offered as a choice: it
 * appears (in red) only when the server put the agent there, and only picking a state leaves it.
 */
export function AgentStateControl({ agent, idleCodes }: AgentStateControlProps) {
  const { t } = useTranslation();
  const dispatch = useDispatch();
  const notify = useNotify();
  const errorText = useErrorText();
  const now = useNow();
  const [busy, setBusy] = useState(false);
  const { state } = agent;
  const value = optionValue(state);
  const idleCodeKnown = state.kind !== 'idle' || idleCodes.some((c) => c.id === state.idleCodeId);

  async function change(next: string) {
    const request = toRequest(next);
    if (!request || next === value) return;
    // Choosing Available is a gesture that says "tell me about requests": ask once (issue 3).
    if (request.kind === 'available') requestNotificationPermission();
    setBusy(true);
    try {
      dispatch({ type: 'agent.reported', agent: await setAgentState(request) });
    } catch (error) {
      notify(errorText(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div
      className={`agent-state agent-state-${state.kind}`}
      data-testid="agent-state"
      data-state={state.kind}
    >
      <span className="state-dot" aria-hidden="true" />
      <select
        className="select agent-state-select"
        aria-label={t('header.agentState')}
        value={value}
        disabled={busy}
        onChange={(e) => void change(e.target.value)}
      >
        {state.kind === 'rona' && (
          <option value={RONA} disabled>
            {t('header.rona')}
          </option>
        )}
        {!idleCodeKnown && state.kind === 'idle' && (
          <option value={value} disabled>
            {t('header.idleUnknown')}
          </option>
        )}
        <option value={AVAILABLE}>{t('header.available')}</option>
        {idleCodes.map((code) => (
          <option key={code.id} value={IDLE_PREFIX + code.id}>
            {t('header.idle', { name: code.name })}
          </option>
        ))}
      </select>
      {state.kind === 'rona' && (
        <span className="rona-badge" title={t('header.ronaHint')}>
          {t('header.rona')}
        </span>
      )}
      <time
        className="state-timer"
        data-testid="state-timer"
        dateTime={state.since}
        title={t('header.timeInState')}
        aria-label={`${t('header.timeInState')} ${formatDuration(elapsedSince(state.since, now))}`}
      >
        {formatDuration(elapsedSince(state.since, now))}
      </time>
    </div>
  );
}
