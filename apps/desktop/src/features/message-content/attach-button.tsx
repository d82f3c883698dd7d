import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ATTACHMENT_MIME_TYPES, type MessageView } from '@parlo/protocol';
import { sendMessage } from '../../api/client.ts';
import { newClientMessageId } from '../../lib/client-message-id.ts';
import { useDispatch } from '../../realtime/realtime-context.ts';
import { useErrorText } from '../shell/use-error-text.ts';
import { uploadAttachment } from './attachment-api.ts';
import './message-content.css';

interface AttachButtonProps {
  conversationId: string;
  disabled: boolean;
  /** The customer message being replied to, if any: the attachment quotes it. */
  replyTo: MessageView | null;
  onSent: () => void;
  onError: (message: string | null) => void;
}

/**
 * The composer's attach button: picks an image or a document, uploads it (the server passes it
 * to WhatsApp) and sends it at once, as a reply when one is being written.
 */
export function AttachButton({ conversationId, disabled, replyTo, onSent, onError }: AttachButtonProps) {
  const { t } = useTranslation();
  const dispatch = useDispatch();
  const errorText = useErrorText();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  async function attach(file: File) {
    setBusy(true);
    onError(null);
    try {
      const attachment = await uploadAttachment(conversationId, file);
      const message = await sendMessage(conversationId, {
        text: '',
        clientMessageId: newClientMessageId(),
        attachmentId: attachment.attachmentId,
        ...(replyTo ? { replyToMessageId: replyTo.id } : {}),
      });
      dispatch({ type: 'message.reported', message });
      onSent();
    } catch (error) {
      onError(errorText(error));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  }

  return (
    <>
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        accept={ATTACHMENT_MIME_TYPES.join(',')}
        aria-label={t('messageContent.attachmentLabel')}
        tabIndex={-1}
        disabled={disabled || busy}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void attach(file);
        }}
      />
      <button
        type="button"
        className="button composer-attach"
        aria-label={t('messageContent.attach')}
        title={t('messageContent.attachHint')}
        disabled={disabled || busy}
        aria-busy={busy}
        onClick={() => input.current?.click()}
      >
        <PaperclipIcon />
        {busy && <span className="visually-hidden">{t('messageContent.uploading')}</span>}
      </button>
    </>
  );
}

/** A paperclip, drawn rather than an emoji so it shows without an emoji font. */
function PaperclipIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d="M21 11.5 12.4 20a5.5 5.5 0 0 1-7.8-7.8l8.9-8.9a3.7 3.7 0 0 1 5.2 5.2l-8.9 8.9a1.8 1.8 0 0 1-2.6-2.6l8.2-8.2"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
