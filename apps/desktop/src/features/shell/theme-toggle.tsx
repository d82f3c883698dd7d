import { useTranslation } from 'react-i18next';
import { useTheme } from '../../lib/theme.ts';

/** The dark-mode switch of the top bar: follows the system until flipped; the choice is kept. */
export function ThemeToggle() {
  const { t } = useTranslation();
  const [theme, toggle] = useTheme();
  return (
    <button
      type="button"
      className="icon-button topbar-toggle"
      role="switch"
      aria-checked={theme === 'dark'}
      aria-label={t('desktop.darkMode')}
      title={t('desktop.darkMode')}
      data-testid="theme-toggle"
      onClick={toggle}
    >
      <svg
        width="18"
        height="18"
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        focusable="false"
      >
        {theme === 'dark' ? (
          <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" />
        ) : (
          <>
            <circle cx="12" cy="12" r="4" />
            <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
          </>
        )}
      </svg>
    </button>
  );
}
