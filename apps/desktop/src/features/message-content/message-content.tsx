import { useTranslation } from 'react-i18next';
import type { MessageContext, MessageMediaView, MessageView } from '@parlo/protocol';
import { systemNoteText } from './system-note.ts';
import './message-content.css';

/**
 * What a message carries, by kind: text, media (playable / viewable / downloadable, or its
 * loading and "unavailable" states), a place with a map link, shared contacts, a chosen button,
 * or a clear placeholder for what cannot be shown. Every customer value here comes from the
 * server's Presenter, so it is already masked when masking is on.
 */
export function MessageContentView({
  message,
  customerName,
}: {
  message: MessageView;
  customerName: string;
}) {
  return (
    <>
      {message.context && <MessageContextView context={message.context} />}
      <ContentBody message={message} customerName={customerName} />
    </>
  );
}

/** Forwarded label, the ad the customer came from, the product they asked about. */
function MessageContextView({ context }: { context: MessageContext }) {
  const { t } = useTranslation();
  const { referral, product } = context;
  return (
    <div className="message-context">
      {context.forwarded !== null && (
        <p className="content-forwarded" data-testid="content-forwarded">
          <span aria-hidden="true">↪</span>{' '}
          {context.forwarded === 'many' ? t('messageContent.forwardedMany') : t('messageContent.forwarded')}
        </p>
      )}
      {referral && (
        <div className="content-referral" data-testid="content-referral">
          <p className="content-label">
            {referral.sourceType === 'post' ? t('messageContent.fromPost') : t('messageContent.fromAd')}
            {referral.headline !== null && <>: {referral.headline}</>}
          </p>
          {referral.body !== null && <p className="content-detail">{referral.body}</p>}
          {referral.sourceUrl !== null && (
            <a href={referral.sourceUrl} target="_blank" rel="noopener noreferrer">
              {t('messageContent.openSource')}
            </a>
          )}
        </div>
      )}
      {product && (
        <p className="content-product" data-testid="content-product">
          {t('messageContent.aboutProduct', { id: product.productRetailerId })}
        </p>
      )}
    </div>
  );
}

function ContentBody({ message, customerName }: { message: MessageView; customerName: string }) {
  const { t } = useTranslation();
  const content = message.content ?? { kind: 'text' as const };
  const caption = message.text.trim() === '' ? null : <p className="bubble-text">{message.text}</p>;
  switch (content.kind) {
    case 'text':
      return <p className="bubble-text">{message.text}</p>;
    case 'image':
    case 'sticker':
      return (
        <>
          <MediaState media={content.media}>
            {(url) => (
              <img
                className={content.kind === 'image' ? 'media-image' : 'media-sticker'}
                src={url}
                alt={
                  content.kind === 'image'
                    ? t('messageContent.image', { name: message.authorName || customerName })
                    : t('messageContent.sticker')
                }
                data-testid={`media-${content.kind}`}
              />
            )}
          </MediaState>
          {caption}
        </>
      );
    case 'audio':
      return (
        <>
          <MediaState media={content.media}>
            {(url) => (
              <audio
                className="media-audio"
                controls
                preload="metadata"
                src={url}
                aria-label={content.voice ? t('messageContent.voiceNote') : t('messageContent.audio')}
                data-testid="media-audio"
              />
            )}
          </MediaState>
          {caption}
        </>
      );
    case 'video':
      return (
        <>
          <MediaState media={content.media}>
            {(url) => (
              <video
                className="media-video"
                controls
                preload="metadata"
                src={url}
                aria-label={t('messageContent.video')}
                data-testid="media-video"
              />
            )}
          </MediaState>
          {caption}
        </>
      );
    case 'document': {
      const name = content.media.fileName ?? t('messageContent.document');
      return (
        <>
          <MediaState media={content.media}>
            {(url) => (
              <a
                className="media-document"
                href={url}
                download={name}
                aria-label={t('messageContent.download', { name })}
                data-testid="media-document"
              >
                <DocumentIcon /> {name}
              </a>
            )}
          </MediaState>
          {caption}
        </>
      );
    }
    case 'location':
      return (
        <div className="content-location" data-testid="content-location">
          <p className="content-label">
            <span aria-hidden="true">📍</span> {content.name ?? t('messageContent.location')}
          </p>
          {content.address !== null && <p className="content-detail">{content.address}</p>}
          <a href={content.mapUrl} target="_blank" rel="noopener noreferrer">
            {t('messageContent.openMap')}
          </a>
        </div>
      );
    case 'contacts':
      return (
        <div className="content-contacts" data-testid="content-contacts">
          <p className="content-label">{t('messageContent.contacts')}</p>
          <ul>
            {content.contacts.map((contact, i) => (
              <li key={i}>
                <span className="content-contact-name">{contact.name || t('messageContent.noName')}</span>
                {contact.phones.map((phone) => (
                  <span key={phone} className="content-detail">
                    {' '}
                    {phone}
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </div>
      );
    case 'interactive':
      // Issue 18: an automatic question (CSAT) with the options the customer may tap.
      if (content.options !== undefined)
        return (
          <div className="content-question" data-testid="content-question">
            <p className="bubble-text">{content.title}</p>
            <ul className="content-options" aria-label={t('csat.options')}>
              {content.options.map((o) => (
                <li key={o.id}>{o.title}</li>
              ))}
            </ul>
          </div>
        );
      return (
        <p className="bubble-text content-choice" data-testid="content-choice">
          {t('messageContent.choseButton', { title: content.title })}
        </p>
      );
    case 'button':
      return (
        <p className="bubble-text content-choice" data-testid="content-choice">
          {t('messageContent.choseButton', { title: content.title })}
        </p>
      );
    case 'reaction':
      return (
        <p className="bubble-text content-placeholder">
          {t('messageContent.reactionAlone', { emoji: content.emoji })}
        </p>
      );
    case 'unsupported':
      return (
        <p className="bubble-text content-placeholder" data-testid="content-unsupported">
          {t('messageContent.unsupported', { type: content.type })}
          {content.title !== null && content.title !== undefined && (
            <span className="content-detail">
              {' '}
              ({content.title}
              {content.code !== null && content.code !== undefined ? `, ${content.code}` : ''})
            </span>
          )}
        </p>
      );
    case 'order':
      return (
        <div className="content-order" data-testid="content-order">
          <p className="content-label">
            <span aria-hidden="true">🛒</span> {t('messageContent.order', { count: content.items.length })}
          </p>
          <table className="order-items">
            <thead>
              <tr>
                <th scope="col">{t('messageContent.orderProduct')}</th>
                <th scope="col">{t('messageContent.orderQuantity')}</th>
                <th scope="col">{t('messageContent.orderPrice')}</th>
              </tr>
            </thead>
            <tbody>
              {content.items.map((item, i) => (
                <tr key={i}>
                  <td>{item.productRetailerId}</td>
                  <td>{item.quantity}</td>
                  <td>{formatMoney(item.itemPrice, item.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {content.totals.map((total) => (
            <p key={total.currency} className="order-total" data-testid="order-total">
              {t('messageContent.orderTotal', { total: formatMoney(total.amount, total.currency) })}
            </p>
          ))}
          {message.text.trim() !== '' && <p className="bubble-text">{message.text}</p>}
        </div>
      );
    case 'customerChanged':
      return (
        <p className="bubble-text content-placeholder" data-testid="content-customer-changed">
          {message.text || t('messageContent.customerChanged')}
        </p>
      );
    case 'note':
      // Notes normally sit in system bubbles; worded here too in case one is shown as content.
      return <p className="bubble-text">{systemNoteText(content.note, t)}</p>;
    case 'internalNote':
      // Internal notes and whispers (issue 16) sit in their own bubble; their text as written.
      return <p className="bubble-text">{message.text}</p>;
  }
}

/** Media while it downloads, once it is ready, and when it could not be fetched. */
function MediaState({
  media,
  children,
}: {
  media: MessageMediaView;
  children: (url: string) => React.ReactNode;
}) {
  const { t } = useTranslation();
  if (media.status === 'ready' && media.url !== null) return <>{children(media.url)}</>;
  if (media.status === 'unavailable') {
    return (
      <p className="media-note media-unavailable" data-testid="media-unavailable">
        {t('messageContent.unavailable')}
      </p>
    );
  }
  return (
    <p className="media-note" role="status" data-testid="media-pending">
      {t('messageContent.loading')}
    </p>
  );
}

/** The customer's reactions, shown on the bubble they react to. */
export function MessageReactions({ message }: { message: MessageView }) {
  const { t } = useTranslation();
  const reactions = message.reactions ?? [];
  if (reactions.length === 0) return null;
  return (
    <ul className="bubble-reactions" aria-label={t('messageContent.reactions')} data-testid="reactions">
      {reactions.map((r, i) => (
        <li key={i} title={t('messageContent.reactionBy', { emoji: r.emoji, name: r.authorName })}>
          {r.emoji}
        </li>
      ))}
    </ul>
  );
}

/** The quote of the message this one replies to, above its text. */
export function MessageQuote({ message }: { message: MessageView }) {
  const { t } = useTranslation();
  const quote = message.replyTo;
  if (!quote) return null;
  return (
    <blockquote className="bubble-quote" data-testid="quote">
      <p className="bubble-quote-author">{t('messageContent.quote', { name: quote.authorName })}</p>
      <p className="bubble-quote-text">
        {quote.messageId === null ? t('messageContent.quoteUnknown') : quote.text}
      </p>
    </blockquote>
  );
}

/** A page with a folded corner, drawn so it shows without an emoji font. */
function DocumentIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d="M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8zM14 3v5h5"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** A price in its currency, as the agent's browser formats money; the bare figure if the code is unknown. */
function formatMoney(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}
