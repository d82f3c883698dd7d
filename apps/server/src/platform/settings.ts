import { isTimeZone, type Settings, type UpdateSettingsRequest } from '@parlo/protocol';
import type { StoreTx } from '../store/index.ts';

/**
 * The administrator's run-time settings: one key per setting in the `settings` table, read in the
 * caller's transaction so a decision and the settings it used are consistent.
 */
const KEYS = {
  maskSensitiveData: 'masking.enabled',
  transferNotAcceptedPolicy: 'transfer.notAcceptedPolicy',
  readReceipts: 'channel.readReceipts',
  conferenceSignatures: 'conference.signatures',
  disconnectGraceSeconds: 'presence.disconnectGraceSeconds',
  timeZone: 'center.timeZone',
  showMonitoringToAgents: 'supervision.showMonitoringToAgents',
} as const satisfies Record<keyof Settings, string>;

/** The store key of the masking switch, which the Presenter reads on its own. */
export const MASKING_SETTING_KEY = KEYS.maskSensitiveData;

/** Defaults for settings never written; `disconnectGraceSeconds` falls back to the server config. */
export function defaultSettings(disconnectGraceSeconds: number): Settings {
  return {
    maskSensitiveData: false,
    transferNotAcceptedPolicy: 'returnToQueue',
    readReceipts: 'onOpen',
    conferenceSignatures: false,
    disconnectGraceSeconds,
    timeZone: 'UTC',
    showMonitoringToAgents: false,
  };
}

export async function readSettings(tx: Pick<StoreTx, 'getSetting'>, defaults: Settings): Promise<Settings> {
  const [mask, policy, receipts, signatures, grace, showMonitoring] = await Promise.all([
    tx.getSetting(KEYS.maskSensitiveData),
    tx.getSetting(KEYS.transferNotAcceptedPolicy),
    tx.getSetting(KEYS.readReceipts),
    tx.getSetting(KEYS.conferenceSignatures),
    tx.getSetting(KEYS.disconnectGraceSeconds),
    tx.getSetting(KEYS.showMonitoringToAgents),
  ]);
  const graceSeconds = grace === undefined ? Number.NaN : Number(grace);
  const zone = await tx.getSetting(KEYS.timeZone);
  return {
    maskSensitiveData: mask === undefined ? defaults.maskSensitiveData : mask === 'true',
    transferNotAcceptedPolicy:
      policy === 'returnToQueue' || policy === 'endConversation'
        ? policy
        : defaults.transferNotAcceptedPolicy,
    readReceipts: receipts === 'onOpen' || receipts === 'never' ? receipts : defaults.readReceipts,
    conferenceSignatures: signatures === undefined ? defaults.conferenceSignatures : signatures === 'true',
    disconnectGraceSeconds: Number.isInteger(graceSeconds) ? graceSeconds : defaults.disconnectGraceSeconds,
    timeZone: zone !== undefined && isTimeZone(zone) ? zone : defaults.timeZone,
    showMonitoringToAgents:
      showMonitoring === undefined ? defaults.showMonitoringToAgents : showMonitoring === 'true',
  };
}

/** Writes the fields present in `update`; the caller audits the change. */
export async function writeSettings(
  tx: Pick<StoreTx, 'setSetting'>,
  update: UpdateSettingsRequest,
): Promise<void> {
  for (const [field, value] of Object.entries(update) as [keyof Settings, Settings[keyof Settings]][]) {
    await tx.setSetting(KEYS[field], String(value));
  }
}

/**
 * The disconnect grace period in force, in ms: the administrator's setting, else the server
 * config's DISCONNECT_GRACE_SECONDS. Read in the transaction that starts the grace.
 */
export async function disconnectGraceMs(
  tx: Pick<StoreTx, 'getSetting'>,
  configSeconds: number,
): Promise<number> {
  return (await readSettings(tx, defaultSettings(configSeconds))).disconnectGraceSeconds * 1000;
}
