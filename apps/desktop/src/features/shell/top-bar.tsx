import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSelect } from './language-select.tsx';
import { SignOutButton } from './sign-out-button.tsx';
import { ThemeToggle } from './theme-toggle.tsx';
import './shell.css';

interface TopBarProps {
  /** The signed-in person's name, shown with an initial avatar. */
  displayName: string;
  nameTestId: string;
  signOutBlocked: boolean;
  onSignedOut: () => void;
  /** Controls beside the brand (the agent's state). */
  leading?: ReactNode;
  /** Indicators before the language select (the connection). */
  trailing?: ReactNode;
}

/** The header bar every signed-in page shares: brand, controls, language, name, Sign out. */
export function TopBar({
  displayName,
  nameTestId,
  signOutBlocked,
  onSignedOut,
  leading,
  trailing,
}: TopBarProps) {
  const { t } = useTranslation();
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          P
        </span>
        {t('app.name')}
      </div>
      {leading}
      <div className="topbar-spacer" />
      {trailing}
      <ThemeToggle />
      <LanguageSelect />
      <span className="agent-name" data-testid={nameTestId}>
        <span className="avatar avatar-agent" aria-hidden="true">
          {displayName.slice(0, 1).toLocaleUpperCase()}
        </span>
        <span className="agent-name-text">{displayName}</span>
      </span>
      <SignOutButton blocked={signOutBlocked} onSignedOut={onSignedOut} />
    </header>
  );
}
