import { useTranslation } from 'react-i18next';
import type { ConnectionStatus } from '../../realtime/desktop-state.ts';

/** Header badge: is the live link up? While it is not, offers and messages may be late. */
export function ConnectionIndicator({ status }: { status: ConnectionStatus }) {
  const { t } = useTranslation();
  const shown =
    status === 'connected' ? 'connected' : status === 'connecting' ? 'connecting' : 'reconnecting';
  const label =
    shown === 'connected'
      ? t('connection.connected')
      : shown === 'connecting'
        ? t('connection.connecting')
        : t('connection.reconnecting');
  return (
    <span
      className={`connection connection-${shown}`}
      role="status"
      data-testid="connection"
      data-state={shown}
    >
      <span className="connection-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
