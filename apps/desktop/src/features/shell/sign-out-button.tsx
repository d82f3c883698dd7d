import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { logout } from '../../api/client.ts';

interface SignOutButtonProps {
  /** An open offer or conversation: signing out would strand a customer. */
  blocked: boolean;
  onSignedOut: () => void;
}

/** Sign out; disabled (with the reason as a tooltip) while the agent holds work. */
export function SignOutButton({ blocked, onSignedOut }: SignOutButtonProps) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);

  async function signOut() {
    setBusy(true);
    try {
      await logout();
    } catch (error) {
      // The cookie may already be gone (expired session); leaving the desktop is still right.
      console.warn('Sign out request failed', error);
    }
    onSignedOut();
  }

  const hint = blocked ? t('header.signOutBlocked') : undefined;
  return (
    // The tooltip sits on a wrapper because disabled buttons get no pointer events in some browsers.
    <span className="tooltip-host" title={hint}>
      <button
        type="button"
        className="button button-ghost"
        disabled={blocked || busy}
        title={hint}
        aria-description={hint}
        onClick={() => void signOut()}
      >
        {t('header.signOut')}
      </button>
    </span>
  );
}
