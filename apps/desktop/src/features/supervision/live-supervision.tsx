import { useCallback, useEffect, useId, useReducer, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Catalog, LiveConversationView, SupervisedAgentView } from '@parlo/protocol';
import { fetchSupervisorOverview } from '../../api/client.ts';
import { useNow } from '../../lib/clock.ts';
import { elapsedSince, formatDuration } from '../../lib/format.ts';
import { useErrorText } from '../shell/use-error-text.ts';
import { AgentControls } from './agent-controls.tsx';
import { MonitorPanel } from './monitor-panel.tsx';
import { fetchLiveConversations } from './supervision-client.ts';
import './supervision.css';

/** How often the list refreshes while shown (the monitor itself is pushed). */
const REFRESH_MS = 5000;

const PHASES = ['queued', 'offered', 'active', 'wrapUp'] as const;

interface Loaded {
  rows: readonly LiveConversationView[] | null;
  agents: readonly SupervisedAgentView[];
  error: string | null;
}

interface Filters {
  queueId: string;
  agentId: string;
  phase: string;
  waitingForReply: boolean;
}

/**
 * Issue 16: every conversation going on now, filterable; a supervisor opens one in the monitor
 * (read-only, pushed), whispers, barges in, reassigns it; and forces an agent's state.
 */
export function LiveSupervision({ catalog }: { catalog: Catalog }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const titleId = useId();
  const now = useNow();
  const [filters, setFilters] = useState<Filters>({
    queueId: '',
    agentId: '',
    phase: '',
    waitingForReply: false,
  });
  const [{ rows, agents, error }, report] = useReducer(
    (state: Loaded, next: Partial<Loaded>): Loaded => ({ ...state, ...next }),
    { rows: null, agents: [], error: null },
  );
  const [monitored, setMonitored] = useState<LiveConversationView | null>(null);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const [list, overview] = await Promise.all([
          fetchLiveConversations(
            {
              queueId: filters.queueId,
              agentId: filters.agentId,
              phase: filters.phase,
              waitingForReply: filters.waitingForReply ? 'true' : '',
            },
            signal,
          ),
          fetchSupervisorOverview(signal),
        ]);
        report({ rows: list, agents: overview.agents, error: null });
      } catch (err) {
        if (!signal?.aborted) report({ error: errorText(err) });
      }
    },
    [filters, errorText],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    const timer = setInterval(() => void load(controller.signal), REFRESH_MS);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [load]);

  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));

  return (
    <section className="supervision" aria-labelledby={titleId}>
      <div className="supervision-head">
        <h2 id={titleId}>{t('supervision.live.title')}</h2>
        <button type="button" className="button button-secondary" onClick={() => void load()}>
          {t('supervision.live.refresh')}
        </button>
      </div>
      <div className="supervision-filters">
        <label>
          {t('supervision.live.filterQueue')}
          <select
            value={filters.queueId}
            onChange={(e) => set({ queueId: e.target.value })}
            data-testid="filter-queue"
          >
            <option value="">{t('supervision.live.any')}</option>
            {catalog.queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('supervision.live.filterAgent')}
          <select
            value={filters.agentId}
            onChange={(e) => set({ agentId: e.target.value })}
            data-testid="filter-agent"
          >
            <option value="">{t('supervision.live.any')}</option>
            {agents.map((a) => (
              <option key={a.userId} value={a.userId}>
                {a.displayName}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('supervision.live.filterPhase')}
          <select
            value={filters.phase}
            onChange={(e) => set({ phase: e.target.value })}
            data-testid="filter-phase"
          >
            <option value="">{t('supervision.live.any')}</option>
            {PHASES.map((p) => (
              <option key={p} value={p}>
                {t(`supervision.live.phases.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="supervision-check">
          <input
            type="checkbox"
            checked={filters.waitingForReply}
            onChange={(e) => set({ waitingForReply: e.target.checked })}
          />
          {t('supervision.live.waitingOnly')}
        </label>
      </div>
      {error !== null && (
        <p className="supervision-error" role="alert">
          {error}
        </p>
      )}
      {rows !== null && rows.length === 0 && (
        <p className="supervision-empty">{t('supervision.live.empty')}</p>
      )}
      {rows !== null && rows.length > 0 && (
        <div className="supervision-table-wrap">
          <table className="supervision-table" data-testid="live-conversations">
            <thead>
              <tr>
                <th scope="col">{t('supervision.live.customer')}</th>
                <th scope="col">{t('supervision.live.queue')}</th>
                <th scope="col">{t('supervision.live.state')}</th>
                <th scope="col">{t('supervision.live.owner')}</th>
                <th scope="col">{t('supervision.live.guest')}</th>
                <th scope="col">{t('supervision.live.waiting')}</th>
                <th scope="col">{t('supervision.live.window')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('supervision.live.monitor')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} data-testid="live-conversation" data-conversation-id={row.id}>
                  <td>
                    <bdi>{row.customerName}</bdi>
                  </td>
                  <td>{row.queueName}</td>
                  <td>{t(`supervision.live.phases.${row.phase}`)}</td>
                  <td>{row.ownerName ?? '—'}</td>
                  <td>{row.guestName ?? '—'}</td>
                  <td>
                    {row.waitingForReplySince === null
                      ? t('supervision.live.notWaiting')
                      : formatDuration(elapsedSince(row.waitingForReplySince, now))}
                  </td>
                  <td>{windowLeft(row.windowExpiresAt, now, t)}</td>
                  <td>
                    <button
                      type="button"
                      className="button button-secondary button-compact"
                      data-testid="monitor-open"
                      onClick={() => setMonitored(row)}
                    >
                      {t('supervision.live.monitor')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {monitored && (
        <MonitorPanel
          key={monitored.id}
          conversation={monitored}
          catalog={catalog}
          agents={agents}
          onClose={() => setMonitored(null)}
          onChanged={() => void load()}
        />
      )}
      <AgentControls agents={agents} idleCodes={catalog.idleCodes} onChanged={() => void load()} />
    </section>
  );
}

function windowLeft(
  expiresAt: string | null,
  now: number,
  // i18next's TFunction: `ReturnType<typeof useTranslation>['t']` grows too deep for TypeScript with our keys.
  t: TFunction,
): string {
  if (expiresAt === null) return '—';
  const left = Date.parse(expiresAt) - now;
  return left <= 0
    ? t('supervision.live.windowClosed')
    : t('supervision.live.windowLeft', { time: formatDuration(left) });
}
