import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { reportsEn, reportsIt } from '../features/reports/reports-i18n.ts';
import { en } from './en.ts';
import { it } from './it.ts';

export const SUPPORTED_LANGUAGES = ['en', 'it'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    // Issue 16's reports are a namespace of their own: one more set of keys in `translation`
    // took i18next's key types past TypeScript's instantiation depth.
    resources: { translation: typeof en; reports: typeof reportsEn };
  }
}

/**
 * Picks the first supported language from the browser's preferences (`it-IT` -> `it`),
 * falling back to English.
 */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    const match = SUPPORTED_LANGUAGES.find((l) => l === base);
    if (match) return match;
  }
  return 'en';
}

/** Narrows i18next's current language to one we ship. */
export function currentLanguage(lng: string | undefined): Language {
  return pickLanguage(lng ? [lng] : []);
}

/** Initialises i18next once, before the first render; the language follows `navigator.language`. */
export async function initI18n(): Promise<void> {
  const preferred = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  const lng = pickLanguage(preferred);
  document.documentElement.lang = lng;
  i18next.on('languageChanged', (l) => {
    document.documentElement.lang = currentLanguage(l);
  });
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en, reports: reportsEn }, it: { translation: it, reports: reportsIt } },
    lng,
    fallbackLng: 'en',
    // React already escapes text; double escaping would show `&amp;` in customer names.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
}
