import { useTranslation } from 'react-i18next';
import type { ConversationView } from '@parlo/protocol';

/**
 * S-7: an administrator deleted what this conversation depends on (its business number or its
 * queue). The agent is told what was deleted and that only End (then wrap-up) remains; the
 * composer, Transfer and Conference are disabled by their own components on `blockedBy`.
 */
export function BlockedBanner({ conversation }: { conversation: ConversationView }) {
  const { t } = useTranslation();
  if (conversation.blockedBy === null) return null;
  const what =
    conversation.blockedBy === 'businessNumberDeleted'
      ? t('blocked.businessNumberDeleted', { number: conversation.businessNumber })
      : t('blocked.queueDeleted', { queue: conversation.queueName });
  return (
    <div
      className="blocked-banner"
      role="alert"
      data-testid="blocked-banner"
      data-blocked-by={conversation.blockedBy}
    >
      <p className="blocked-title">{t('blocked.title')}</p>
      <p>
        {what} {conversation.phase === 'active' ? t('blocked.onlyEnd') : t('blocked.onlyWrapUp')}
      </p>
    </div>
  );
}
