import type { RetentionSettings, UpdateRetentionRequest } from '@parlo/protocol';
import type { StoreTx } from '../../store/index.ts';

/** The settings key of each retention period (`settings` table); `none` stored for "keep". */
const KEYS = {
  messagesDays: 'retention.messagesDays',
  webhookBodyHours: 'retention.webhookBodyHours',
  auditLogDays: 'retention.auditLogDays',
  agentEventsDays: 'retention.agentEventsDays',
} as const satisfies Record<keyof RetentionSettings, string>;

/**
 * Until an administrator sets them: messages and the audit log are kept (deleting a business's
 * history is the business's decision); raw webhook bodies go after a day (they are only needed
 * while a delivery may be retried); agents' replay logs after 30 days.
 */
export const DEFAULT_RETENTION: RetentionSettings = {
  messagesDays: null,
  webhookBodyHours: 24,
  auditLogDays: null,
  agentEventsDays: 30,
};

/** Webhook delivery rows (their ids: the dedupe key) are kept this long whatever the body's period. */
export const WEBHOOK_DELIVERY_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

function parsePeriod(stored: string | undefined, fallback: number | null): number | null {
  if (stored === undefined) return fallback;
  if (stored === 'none') return null;
  const value = Number(stored);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

export async function readRetention(tx: Pick<StoreTx, 'getSetting'>): Promise<RetentionSettings> {
  const [messages, bodies, audit, events] = await Promise.all([
    tx.getSetting(KEYS.messagesDays),
    tx.getSetting(KEYS.webhookBodyHours),
    tx.getSetting(KEYS.auditLogDays),
    tx.getSetting(KEYS.agentEventsDays),
  ]);
  return {
    messagesDays: parsePeriod(messages, DEFAULT_RETENTION.messagesDays),
    webhookBodyHours: parsePeriod(bodies, null) ?? DEFAULT_RETENTION.webhookBodyHours,
    auditLogDays: parsePeriod(audit, DEFAULT_RETENTION.auditLogDays),
    agentEventsDays: parsePeriod(events, null) ?? DEFAULT_RETENTION.agentEventsDays,
  };
}

/** Writes the fields present; the caller audits the change. */
export async function writeRetention(
  tx: Pick<StoreTx, 'setSetting'>,
  update: UpdateRetentionRequest,
): Promise<void> {
  for (const [field, value] of Object.entries(update) as [keyof RetentionSettings, number | null][]) {
    await tx.setSetting(KEYS[field], value === null ? 'none' : String(value));
  }
}
