import { useCallback, useEffect, useReducer } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelHealthView, NumberHealthView } from '@parlo/protocol';
import { fetchChannelHealth } from '../../api/client.ts';
import { useNow } from '../../lib/clock.ts';
import { elapsedSince, formatDuration } from '../../lib/format.ts';
import { useSingleFlightLoad, type LoadEvent } from '../../lib/single-flight-load.ts';
import {
  concernsOf,
  failureSummary,
  INITIAL_NUMBER_HEALTH_STATE,
  numberHealthReducer,
} from './number-health-state.ts';

/** How often the panel refreshes while the page is visible. */
const REFRESH_MS = 5000;

/**
 * Issue 4: the WhatsApp channel's health per business number, for supervisors: is Meta reaching
 * us (last inbound, webhooks in the last 5 minutes, rejected updates), are we reaching Meta
 * (outbox depth and oldest wait, send failures by code in the last hour), and statuses still
 * waiting for their send.
 */
export function NumberHealth() {
  const { t } = useTranslation();
  const [state, dispatch] = useReducer(numberHealthReducer, INITIAL_NUMBER_HEALTH_STATE);
  const report = useCallback((event: LoadEvent<ChannelHealthView>) => {
    dispatch(
      event.kind === 'started'
        ? { type: 'refresh.started' }
        : event.kind === 'succeeded'
          ? { type: 'refresh.succeeded', health: event.value }
          : { type: 'refresh.failed', code: event.code },
    );
  }, []);
  const load = useSingleFlightLoad(fetchChannelHealth, report);

  useEffect(() => {
    load(true);
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') load(false);
    }, REFRESH_MS);
    return () => {
      clearInterval(timer);
    };
  }, [load]);

  return (
    <div className="number-health" aria-busy={state.loading}>
      {state.error !== null && (
        <p className="form-error" role="alert">
          {t('admin.numberHealth.loadFailed', { reason: t(`errors.${state.error}`) })}
        </p>
      )}
      {state.health === null ? (
        state.error === null && <p className="admin-note">{t('admin.numberHealth.loading')}</p>
      ) : (
        <HealthTable health={state.health} />
      )}
    </div>
  );
}

function HealthTable({ health }: { health: ChannelHealthView }) {
  const { t } = useTranslation();
  const rejected = health.rejectedLast5m
    .map((r) =>
      t('admin.numberHealth.rejectedReason', {
        // A reason this desktop does not know yet shows as the server named it.
        reason: t(`admin.numberHealth.reason.${r.reason}`, { defaultValue: r.reason }),
        count: r.count,
      }),
    )
    .join(', ');
  return (
    <>
      <table className="data-table" data-testid="number-health">
        <caption>{t('admin.numberHealth.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('admin.numberHealth.number')}</th>
            <th scope="col">{t('admin.numberHealth.lastInbound')}</th>
            <th scope="col" className="numeric">
              {t('admin.numberHealth.webhooks5m')}
            </th>
            <th scope="col" className="numeric">
              {t('admin.numberHealth.rejected5m')}
            </th>
            <th scope="col" className="numeric">
              {t('admin.numberHealth.outboxDepth')}
            </th>
            <th scope="col">{t('admin.numberHealth.outboxOldest')}</th>
            <th scope="col">{t('admin.numberHealth.failures1h')}</th>
          </tr>
        </thead>
        <tbody>
          {health.numbers.length === 0 ? (
            <tr>
              <td colSpan={7} className="data-table-empty">
                {t('admin.numberHealth.noNumbers')}
              </td>
            </tr>
          ) : (
            health.numbers.map((n) => <HealthRow key={n.businessNumberId} number={n} />)
          )}
        </tbody>
      </table>
      <p className="admin-note" data-testid="channel-health-summary">
        {t('admin.numberHealth.unmatched', { count: health.unmatchedStatuses })}{' '}
        {rejected === ''
          ? t('admin.numberHealth.noneRejected')
          : t('admin.numberHealth.rejectedAll', { list: rejected })}
      </p>
    </>
  );
}

function HealthRow({ number }: { number: NumberHealthView }) {
  const { t } = useTranslation();
  const now = useNow();
  const concerns = concernsOf(number);
  const failures = failureSummary(number);
  return (
    <tr data-number-id={number.businessNumberId} data-concerns={concerns.join(' ')}>
      <th scope="row">
        {number.displayPhoneNumber}
        {concerns.length > 0 && (
          <span className="visually-hidden">
            {' '}
            {t('admin.numberHealth.needsAttention', {
              list: concerns.map((c) => t(`admin.numberHealth.concern.${c}`)).join(', '),
            })}
          </span>
        )}
      </th>
      <td>
        {number.lastInboundAt === null ? (
          <span className="muted">{t('admin.numberHealth.never')}</span>
        ) : (
          <time dateTime={number.lastInboundAt}>
            {t('admin.numberHealth.ago', {
              duration: formatDuration(elapsedSince(number.lastInboundAt, now)),
            })}
          </time>
        )}
      </td>
      <td className="numeric">{number.webhooksLast5m}</td>
      <td className={`numeric${number.rejectedLast5m > 0 ? ' has-waiting' : ''}`}>{number.rejectedLast5m}</td>
      <td className="numeric">{number.outboxDepth}</td>
      <td className={concerns.includes('outboxStuck') ? 'has-waiting' : undefined}>
        {number.outboxOldestAgeSeconds === null ? (
          <span className="muted">{t('admin.numberHealth.outboxEmpty')}</span>
        ) : (
          formatDuration(number.outboxOldestAgeSeconds * 1000)
        )}
      </td>
      <td className={failures === '' ? undefined : 'has-waiting'}>
        {failures === '' ? <span className="muted">{t('admin.numberHealth.noFailures')}</span> : failures}
      </td>
    </tr>
  );
}
