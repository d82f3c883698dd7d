import { useTranslation } from 'react-i18next';
import type { ConversationView } from '@parlo/protocol';

/** What the S-7 warning says: what was deleted (named as the agent sees it) and what is left. */
export type BlockedNotice =
  | { deleted: 'businessNumber'; name: string; remains: 'end' | 'wrapUp' }
  | { deleted: 'queue'; name: string; remains: 'end' | 'wrapUp' };

/** S-7: the warning for a conversation, or null when nothing it depends on was deleted. */
export function blockedNotice(conversation: ConversationView): BlockedNotice | null {
  // Ended already: End is done, only the wrap-up is left.
  const remains = conversation.phase === 'active' ? 'end' : 'wrapUp';
  switch (conversation.blockedBy) {
    case null:
      return null;
    case 'businessNumberDeleted':
      return { deleted: 'businessNumber', name: conversation.businessNumber, remains };
    case 'queueDeleted':
      return { deleted: 'queue', name: conversation.queueName, remains };
  }
}

/**
 * S-7: an administrator deleted what this conversation depends on (its business number or its
 * queue). The agent is told what was deleted and that only End (then wrap-up) remains; the
 * composer, Transfer and Conference disable themselves on `blockedBy`.
 */
export function BlockedBanner({ conversation }: { conversation: ConversationView }) {
  const { t } = useTranslation();
  const notice = blockedNotice(conversation);
  if (notice === null) return null;
  const what =
    notice.deleted === 'businessNumber'
      ? t('blocked.businessNumberDeleted', { number: notice.name })
      : t('blocked.queueDeleted', { queue: notice.name });
  return (
    <div
      className="blocked-banner"
      role="alert"
      data-testid="blocked-banner"
      data-blocked-by={conversation.blockedBy}
    >
      <p className="blocked-title">{t('blocked.title')}</p>
      <p>
        {what} {notice.remains === 'end' ? t('blocked.onlyEnd') : t('blocked.onlyWrapUp')}
      </p>
    </div>
  );
}
