/** Issue 18 (ADR 28): the administrator's CSAT settings, one JSON value in the settings table. */
import { csatSettingsSchema, type CsatSettings } from '@parlo/protocol';
import type { StoreTx } from '../../store/index.ts';

/** The settings key (the settings table holds run-time settings as text). */
export const CSAT_SETTINGS_KEY = 'csat.settings';

/** Off until an administrator turns it on; the texts are ready to use when they do. */
export const DEFAULT_CSAT_SETTINGS: CsatSettings = {
  enabled: false,
  scale: 'three',
  questionEn: 'How satisfied are you with the help you received?',
  questionIt: "Quanto sei soddisfatto dell'assistenza ricevuta?",
  windowHours: 24,
  thanksEn: 'Thank you for your feedback!',
  thanksIt: 'Grazie per il tuo riscontro!',
};

/** The settings in force, read in the caller's transaction; a value that does not parse is the default. */
export async function readCsatSettings(tx: Pick<StoreTx, 'getSetting'>): Promise<CsatSettings> {
  const stored = await tx.getSetting(CSAT_SETTINGS_KEY);
  if (stored === undefined) return DEFAULT_CSAT_SETTINGS;
  try {
    const parsed = csatSettingsSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : DEFAULT_CSAT_SETTINGS;
  } catch {
    return DEFAULT_CSAT_SETTINGS;
  }
}

/** Writes the settings; the caller audits the change. */
export async function writeCsatSettings(
  tx: Pick<StoreTx, 'setSetting'>,
  settings: CsatSettings,
): Promise<void> {
  await tx.setSetting(CSAT_SETTINGS_KEY, JSON.stringify(settings));
}

/** Italian for a customer known to speak it (`it`, `it-IT`), English otherwise. */
export function pickLanguage(language: string | null | undefined): 'en' | 'it' {
  return language?.toLowerCase().split(/[-_]/)[0] === 'it' ? 'it' : 'en';
}
