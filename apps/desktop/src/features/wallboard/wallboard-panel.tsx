import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Wallboard, WallboardFigures } from '@parlo/protocol';
import { useNow } from '../../lib/clock.ts';
import { openWallboardSocket } from './wallboard-socket.ts';
import { clock, percent, rotate, secondsSince } from './wallboard-format.ts';
import './wallboard.css';

/** How long a TV shows one queue before the next. */
const TV_ROTATE_MS = 10_000;

/**
 * Issue 16: the wallboard, pushed (never polled): today's figures per queue and for the whole
 * center, who waits and since when, agents by state with time in state and load. TV mode shows
 * the center and one queue at a time in large type, rotating every 10 seconds.
 */
export function WallboardPanel() {
  const { t } = useTranslation();
  const titleId = useId();
  const now = useNow();
  const [board, setBoard] = useState<Wallboard | null>(null);
  const [connected, setConnected] = useState(false);
  const [tv, setTv] = useState(false);
  const [shown, setShown] = useState(0);

  useEffect(() => openWallboardSocket(setBoard, setConnected), []);
  useEffect(() => {
    if (!tv) return;
    const timer = setInterval(() => setShown((i) => rotate(i, board?.queues.length ?? 0)), TV_ROTATE_MS);
    return () => clearInterval(timer);
  }, [tv, board?.queues.length]);
  useEffect(() => {
    if (!tv) return;
    const leave = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setTv(false);
    };
    window.addEventListener('keydown', leave);
    return () => window.removeEventListener('keydown', leave);
  }, [tv]);

  if (board === null)
    return (
      <section className="admin-section" aria-labelledby={titleId}>
        <h2 id={titleId} className="admin-section-title">
          {t('wallboard.title')}
        </h2>
        <p className="empty-hint">{t('wallboard.connecting')}</p>
      </section>
    );

  const tiles = (f: WallboardFigures, big = false) => (
    <dl className={`wallboard-tiles${big ? ' wallboard-tiles-big' : ''}`}>
      <Tile
        label={t('wallboard.waiting')}
        value={String(f.waiting)}
        testId="wb-waiting"
        alert={f.waiting > 0}
      />
      <Tile label={t('wallboard.oldestWait')} value={clock(secondsSince(f.oldestWaitingSince, now))} />
      <Tile label={t('wallboard.inProgress')} value={String(f.inProgress)} />
      <Tile label={t('wallboard.offered')} value={String(f.offered)} testId="wb-offered" />
      <Tile label={t('wallboard.answered')} value={String(f.answered)} testId="wb-answered" />
      <Tile label={t('wallboard.abandoned')} value={String(f.abandoned)} />
      <Tile label={t('wallboard.serviceLevel')} value={percent(f.serviceLevelPercent)} />
      <Tile label={t('wallboard.asa')} value={clock(f.asaSeconds)} />
      <Tile label={t('wallboard.aht')} value={clock(f.ahtSeconds)} />
      <Tile label={t('wallboard.currentHandle')} value={clock(f.currentHandleSeconds)} />
      <Tile label={t('wallboard.rona')} value={String(f.rona)} />
      <Tile label={t('wallboard.transferRate')} value={percent(f.transferRatePercent)} />
    </dl>
  );
  const byState = t('wallboard.byState', {
    available: String(board.agentsByState.available),
    idle: String(board.agentsByState.idle),
    rona: String(board.agentsByState.rona),
    disconnected: String(board.agentsByState.disconnected),
  });

  if (tv) {
    const queue = board.queues[Math.min(shown, board.queues.length - 1)];
    return (
      <div className="wallboard-tv" role="region" aria-label={t('wallboard.tv')} data-testid="wallboard-tv">
        <header className="wallboard-tv-header">
          <h2>{t('wallboard.center')}</h2>
          <span>
            {t('wallboard.occupancy')} {percent(board.occupancyPercent)} · {byState}
          </span>
          <button type="button" className="button" onClick={() => setTv(false)}>
            {t('wallboard.exitTv')}
          </button>
        </header>
        {tiles(board.total, true)}
        {queue && (
          <>
            <h2 className="wallboard-tv-queue">{queue.name}</h2>
            {tiles(queue, true)}
          </>
        )}
      </div>
    );
  }

  return (
    <section className="admin-section wallboard" aria-labelledby={titleId} data-testid="wallboard">
      <div className="admin-section-header">
        <h2 id={titleId} className="admin-section-title">
          {t('wallboard.title')}
        </h2>
        <span className="wallboard-day">
          {t('wallboard.today', { day: board.day, zone: board.timeZone })}
          {!connected && ` · ${t('wallboard.connecting')}`}
        </span>
        <button type="button" className="button button-secondary" onClick={() => setTv(true)}>
          {t('wallboard.tv')}
        </button>
      </div>
      <h3 className="wallboard-subtitle">{t('wallboard.center')}</h3>
      {tiles(board.total)}
      <p className="wallboard-agents-summary">
        {t('wallboard.occupancy')} {percent(board.occupancyPercent)} · {byState}
      </p>
      <h3 className="wallboard-subtitle">{t('wallboard.queues')}</h3>
      <table className="data-table" data-testid="wallboard-queues">
        <thead>
          <tr>
            <th scope="col">{t('wallboard.queue')}</th>
            <th scope="col">{t('wallboard.waiting')}</th>
            <th scope="col">{t('wallboard.oldestWait')}</th>
            <th scope="col">{t('wallboard.offered')}</th>
            <th scope="col">{t('wallboard.answered')}</th>
            <th scope="col">{t('wallboard.abandoned')}</th>
            <th scope="col">{t('wallboard.serviceLevel')}</th>
            <th scope="col">{t('wallboard.asa')}</th>
            <th scope="col">{t('wallboard.aht')}</th>
            <th scope="col">{t('wallboard.rona')}</th>
            <th scope="col">{t('wallboard.transferRate')}</th>
          </tr>
        </thead>
        <tbody>
          {board.queues.map((q) => (
            <tr key={q.queueId} data-queue-id={q.queueId}>
              <th scope="row">{q.name}</th>
              <td className="numeric">{q.waiting}</td>
              <td className="numeric">{clock(secondsSince(q.oldestWaitingSince, now))}</td>
              <td className="numeric">{q.offered}</td>
              <td className="numeric">{q.answered}</td>
              <td className="numeric">{q.abandoned}</td>
              <td className="numeric">{percent(q.serviceLevelPercent)}</td>
              <td className="numeric">{clock(q.asaSeconds)}</td>
              <td className="numeric">{clock(q.ahtSeconds)}</td>
              <td className="numeric">{q.rona}</td>
              <td className="numeric">{percent(q.transferRatePercent)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3 className="wallboard-subtitle">{t('wallboard.agents')}</h3>
      <table className="data-table" data-testid="wallboard-agents">
        <thead>
          <tr>
            <th scope="col">{t('wallboard.agent')}</th>
            <th scope="col">{t('wallboard.state')}</th>
            <th scope="col">{t('wallboard.timeInState')}</th>
            <th scope="col">{t('wallboard.load')}</th>
          </tr>
        </thead>
        <tbody>
          {board.agents.map((a) => (
            <tr key={a.userId} className={a.connected ? undefined : 'wallboard-offline'}>
              <th scope="row">{a.displayName}</th>
              <td>
                <span className={`wallboard-state wallboard-state-${a.state.kind}`}>
                  {a.state.kind === 'available'
                    ? t('wallboard.available')
                    : a.state.kind === 'idle'
                      ? t('wallboard.idle')
                      : t('wallboard.ronaState')}
                </span>
                {!a.connected && ` · ${t('wallboard.disconnected')}`}
              </td>
              <td className="numeric">{clock(secondsSince(a.state.since, now))}</td>
              <td className="numeric">
                {a.load} / {a.capacity}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Tile({
  label,
  value,
  testId,
  alert,
}: {
  label: string;
  value: string;
  testId?: string;
  alert?: boolean;
}) {
  return (
    <div className={`wallboard-tile${alert ? ' wallboard-tile-alert' : ''}`} data-testid={testId}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
