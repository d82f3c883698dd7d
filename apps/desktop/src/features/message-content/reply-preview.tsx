import { useTranslation } from 'react-i18next';
import type { MessageView } from '@parlo/protocol';
import './message-content.css';

/** Above the composer while replying: which customer message the reply will quote. */
export function ReplyPreview({ message, onCancel }: { message: MessageView; onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="reply-preview" data-testid="reply-preview">
      <p className="reply-preview-text">
        {t('messageContent.replyingTo', { text: message.text || message.content?.kind || '' })}
      </p>
      <button
        type="button"
        className="button"
        onClick={onCancel}
        aria-label={t('messageContent.cancelReply')}
      >
        ×
      </button>
    </div>
  );
}
