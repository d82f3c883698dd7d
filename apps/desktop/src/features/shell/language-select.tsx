import { useTranslation } from 'react-i18next';
import { currentLanguage, SUPPORTED_LANGUAGES } from '../../i18n/index.ts';

/** The header's language switch; each language is named in itself. */
export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <select
      className="select select-compact"
      aria-label={t('language.label')}
      title={t('language.label')}
      value={currentLanguage(i18n.language)}
      onChange={(e) => void i18n.changeLanguage(e.target.value)}
    >
      {SUPPORTED_LANGUAGES.map((lng) => (
        <option key={lng} value={lng}>
          {t(`language.${lng}`)}
        </option>
      ))}
    </select>
  );
}
