import { useCallback, useEffect, useId, useReducer, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NamedItem, SupervisedAgentView, SupervisorOverview } from '@parlo/protocol';
import { fetchSupervisorOverview, setSupervisedAgentState } from '../../api/client.ts';
import { asRequestError } from '../../api/request-error.ts';
import { useNow } from '../../lib/clock.ts';
import { elapsedSince, formatDuration } from '../../lib/format.ts';
import { useSingleFlightLoad, type LoadEvent } from '../../lib/single-flight-load.ts';
import { NumberHealth } from './number-health.tsx';
import { canMakeAvailable, INITIAL_OVERVIEW_STATE, overviewReducer } from './supervisor-state.ts';

/** How often the overview refreshes while the page is visible. */
const REFRESH_MS = 3000;

/** The outcome of the last "Make available", announced beside the tables. */
type ActionNotice = { kind: 'done'; name: string } | { kind: 'failed'; name: string; reason: string };

/**
 * Issue 3 / S-4: who waits in which queue and for how long, and the agents' states; a supervisor
 * takes an agent out of RONA (or Idle) with "Make <name> available". Refreshes every 3 s while the
 * page is visible, and on demand.
 */
export function SupervisorSection({ idleCodes }: { idleCodes: readonly NamedItem[] }) {
  const { t } = useTranslation();
  const titleId = useId();
  const [state, dispatch] = useReducer(overviewReducer, INITIAL_OVERVIEW_STATE);
  const [busyAgents, setBusyAgents] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<ActionNotice | null>(null);

  /** Loads the overview; a periodic tick skips while one is in flight, a forced load replaces it. */
  const report = useCallback((event: LoadEvent<SupervisorOverview>) => {
    dispatch(
      event.kind === 'started'
        ? { type: 'refresh.started' }
        : event.kind === 'succeeded'
          ? { type: 'refresh.succeeded', overview: event.value }
          : { type: 'refresh.failed', code: event.code },
    );
  }, []);
  const load = useSingleFlightLoad(fetchSupervisorOverview, report);

  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | null = null;
    const start = () => {
      timer ??= setInterval(() => load(false), REFRESH_MS);
    };
    const stop = () => {
      if (timer !== null) clearInterval(timer);
      timer = null;
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') {
        load(false);
        start();
      } else {
        stop();
      }
    };
    load(true);
    if (document.visibilityState === 'visible') start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [load]);

  async function makeAvailable(agent: SupervisedAgentView) {
    setBusyAgents((s) => new Set(s).add(agent.userId));
    setNotice(null);
    try {
      dispatch({
        type: 'agent.changed',
        agent: await setSupervisedAgentState(agent.userId, { kind: 'available' }),
      });
      setNotice({ kind: 'done', name: agent.displayName });
      load(true);
    } catch (error) {
      const reason = t(`errors.${asRequestError(error).code}`);
      setNotice({ kind: 'failed', name: agent.displayName, reason });
    } finally {
      setBusyAgents((s) => {
        const next = new Set(s);
        next.delete(agent.userId);
        return next;
      });
    }
  }

  const { overview } = state;
  return (
    <section className="admin-section" aria-labelledby={titleId} aria-busy={state.loading}>
      <div className="admin-section-header">
        <h2 id={titleId} className="admin-section-title">
          {t('admin.supervisor.title')}
        </h2>
        <button type="button" className="button button-secondary" onClick={() => load(true)}>
          {t('admin.supervisor.refresh')}
        </button>
      </div>
      {state.error !== null && (
        <p className="form-error" role="alert">
          {t('admin.supervisor.loadFailed', { reason: t(`errors.${state.error}`) })}
        </p>
      )}
      {notice?.kind === 'failed' && (
        <p className="form-error" role="alert">
          {t('admin.supervisor.makeAvailableFailed', { name: notice.name, reason: notice.reason })}
        </p>
      )}
      {/* Always rendered, so screen readers announce the outcome when its text appears. */}
      <p className="admin-status admin-status-saved" role="status">
        {notice?.kind === 'done' && t('admin.supervisor.madeAvailable', { name: notice.name })}
      </p>
      {overview === null ? (
        state.error === null && <p className="admin-note">{t('admin.supervisor.loading')}</p>
      ) : (
        <>
          <QueuesTable queues={overview.queues} />
          <WaitingTable waiting={overview.waiting} total={overview.waitingTotal ?? overview.waiting.length} />
          <AgentsTable
            agents={overview.agents}
            idleCodes={idleCodes}
            busyAgents={busyAgents}
            onMakeAvailable={(agent) => void makeAvailable(agent)}
          />
        </>
      )}
      <NumberHealth />
    </section>
  );
}

function QueuesTable({ queues }: { queues: SupervisorOverview['queues'] }) {
  const { t } = useTranslation();
  return (
    <table className="data-table" data-testid="supervisor-queues">
      <caption>{t('admin.supervisor.queues')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('admin.supervisor.queue')}</th>
          <th scope="col" className="numeric">
            {t('admin.supervisor.waitingCount')}
          </th>
        </tr>
      </thead>
      <tbody>
        {queues.map((queue) => (
          <tr key={queue.id} data-queue-id={queue.id}>
            <th scope="row">{queue.name}</th>
            <td className={`numeric${queue.waiting > 0 ? ' has-waiting' : ''}`}>{queue.waiting}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function WaitingTable({ waiting, total }: { waiting: SupervisorOverview['waiting']; total: number }) {
  const { t } = useTranslation();
  const now = useNow();
  return (
    <table className="data-table" data-testid="supervisor-waiting">
      <caption>
        {t('admin.supervisor.waitingCustomers')}
        {/* A long backlog is listed longest-waiting first, up to the overview's limit. */}
        {total > waiting.length &&
          ` — ${t('admin.supervisor.waitingShown', { shown: String(waiting.length), total: String(total) })}`}
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('admin.supervisor.customer')}</th>
          <th scope="col">{t('admin.supervisor.queue')}</th>
          <th scope="col">{t('admin.supervisor.waited')}</th>
          <th scope="col">{t('admin.supervisor.offeredTo')}</th>
        </tr>
      </thead>
      <tbody>
        {waiting.length === 0 ? (
          <tr>
            <td colSpan={4} className="data-table-empty">
              {t('admin.supervisor.noneWaiting')}
            </td>
          </tr>
        ) : (
          waiting.map((w) => (
            <tr key={w.conversationId} data-conversation-id={w.conversationId}>
              <th scope="row">{w.customerName}</th>
              <td>{w.queueName}</td>
              <td>
                <time dateTime={w.receivedAt} data-testid="waited">
                  {formatDuration(elapsedSince(w.receivedAt, now))}
                </time>
              </td>
              <td data-testid="offered-to">
                {w.offeredTo ?? <span className="muted">{t('admin.supervisor.notOffered')}</span>}
              </td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

interface AgentsTableProps {
  agents: readonly SupervisedAgentView[];
  idleCodes: readonly NamedItem[];
  busyAgents: ReadonlySet<string>;
  onMakeAvailable: (agent: SupervisedAgentView) => void;
}

function AgentsTable({ agents, idleCodes, busyAgents, onMakeAvailable }: AgentsTableProps) {
  const { t } = useTranslation();
  const now = useNow();

  function stateLabel(agent: SupervisedAgentView): string {
    const { state } = agent;
    switch (state.kind) {
      case 'available':
        return t('admin.supervisor.available');
      case 'rona':
        return t('admin.supervisor.rona');
      case 'idle': {
        const code = idleCodes.find((c) => c.id === state.idleCodeId);
        return code ? t('admin.supervisor.idle', { name: code.name }) : t('admin.supervisor.idleUnknown');
      }
    }
  }

  return (
    <table className="data-table" data-testid="supervisor-agents">
      <caption>{t('admin.supervisor.agents')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('admin.supervisor.agent')}</th>
          <th scope="col">{t('admin.supervisor.state')}</th>
          <th scope="col">{t('admin.supervisor.timeInState')}</th>
          <th scope="col" className="numeric">
            {t('admin.supervisor.load')}
          </th>
          <th scope="col">
            <span className="visually-hidden">{t('admin.supervisor.action')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {agents.length === 0 ? (
          <tr>
            <td colSpan={5} className="data-table-empty">
              {t('admin.supervisor.noAgents')}
            </td>
          </tr>
        ) : (
          agents.map((agent) => {
            const busy = busyAgents.has(agent.userId);
            const presence = agent.connected
              ? t('admin.supervisor.connected')
              : t('admin.supervisor.disconnected');
            return (
              <tr
                key={agent.userId}
                className={agent.state.kind === 'rona' ? 'row-rona' : undefined}
                data-agent-id={agent.userId}
                data-state={agent.state.kind}
              >
                <th scope="row">
                  <span
                    className={`presence-dot ${agent.connected ? 'presence-on' : 'presence-off'}`}
                    role="img"
                    aria-label={presence}
                    title={presence}
                  />
                  {agent.displayName}
                </th>
                <td>
                  <span
                    className={`state-badge state-badge-${agent.state.kind}`}
                    data-testid="supervised-state"
                  >
                    {stateLabel(agent)}
                  </span>
                </td>
                <td>
                  <time dateTime={agent.state.since}>
                    {formatDuration(elapsedSince(agent.state.since, now))}
                  </time>
                </td>
                <td className="numeric">
                  {t('admin.supervisor.loadValue', {
                    load: String(agent.load),
                    capacity: String(agent.capacity),
                  })}
                </td>
                <td className="actions">
                  {canMakeAvailable(agent) && (
                    <button
                      type="button"
                      className="button button-secondary button-compact"
                      aria-label={t('admin.supervisor.makeAvailableName', { name: agent.displayName })}
                      disabled={busy}
                      aria-busy={busy}
                      onClick={() => onMakeAvailable(agent)}
                    >
                      {t('admin.supervisor.makeAvailable')}
                    </button>
                  )}
                </td>
              </tr>
            );
          })
        )}
      </tbody>
    </table>
  );
}
