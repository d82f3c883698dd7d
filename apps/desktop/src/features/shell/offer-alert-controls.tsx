import { useTranslation } from 'react-i18next';
import {
  requestNotificationPermission,
  useNotificationPermission,
} from '../../lib/notification-permission.ts';
import { primeOfferSound } from '../../lib/offer-sound.ts';

interface OfferAlertControlsProps {
  muted: boolean;
  onMutedChange: (muted: boolean) => void;
}

/**
 * Header controls of issue 3: "Enable notifications" while the browser has not been asked yet
 * (asking is a user gesture, never done on page load), and the "Mute offer sound" toggle.
 */
export function OfferAlertControls({ muted, onMutedChange }: OfferAlertControlsProps) {
  const { t } = useTranslation();
  const permission = useNotificationPermission();
  return (
    <>
      {permission === 'default' && (
        <button
          type="button"
          className="button button-ghost button-compact"
          title={t('header.enableNotificationsHint')}
          aria-description={t('header.enableNotificationsHint')}
          onClick={() => {
            primeOfferSound();
            requestNotificationPermission();
          }}
        >
          {t('header.enableNotifications')}
        </button>
      )}
      <button
        type="button"
        className="icon-button topbar-toggle"
        aria-label={t('header.muteSound')}
        aria-pressed={muted}
        title={t('header.muteSound')}
        data-testid="mute-offer-sound"
        onClick={() => {
          if (muted) primeOfferSound();
          onMutedChange(!muted);
        }}
      >
        <BellIcon muted={muted} />
      </button>
    </>
  );
}

/** A bell, struck through when muted; drawn inline so it needs no emoji font. */
function BellIcon({ muted }: { muted: boolean }) {
  return (
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
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      {muted && <path d="M3 3l18 18" />}
    </svg>
  );
}
