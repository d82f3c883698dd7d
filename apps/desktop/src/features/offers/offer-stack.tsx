import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OfferView } from '@parlo/protocol';
import { acceptOffer, declineOffer } from '../../api/client.ts';
import { asRequestError } from '../../api/request-error.ts';
import { useNow } from '../../lib/clock.ts';
import { elapsedSince, formatDuration } from '../../lib/format.ts';
import { useDispatch } from '../../realtime/realtime-context.ts';
import { useNotify } from '../shell/notices.tsx';
import { useErrorText } from '../shell/use-error-text.ts';
import { customerHandle } from '../../lib/customer-handle.ts';
import { useShortcut } from '../shortcuts/shortcuts.ts';
import './offers.css';

interface OfferStackProps {
  offers: readonly OfferView[];
  /** Called with the new conversation's id, so the desktop can open it (S-5). */
  onAccepted: (conversationId: string) => void;
}

/** S-1: contact-request popovers, stacked top-right, oldest first. */
export function OfferStack({ offers, onAccepted }: OfferStackProps) {
  if (offers.length === 0) return null;
  return (
    <div className="offer-stack">
      {offers.map((offer, index) => (
        <OfferCard key={offer.id} offer={offer} onAccepted={onAccepted} first={index === 0} />
      ))}
    </div>
  );
}

function OfferCard({
  offer,
  onAccepted,
  first,
}: {
  offer: OfferView;
  onAccepted: (conversationId: string) => void;
  /** The oldest request: the one Alt+A accepts. */
  first: boolean;
}) {
  const { t } = useTranslation();
  const dispatch = useDispatch();
  const notify = useNotify();
  const errorText = useErrorText();
  const now = useNow();
  const titleId = useId();
  const purposeId = useId();
  const [busy, setBusy] = useState(false);
  // A transfer or a conference request says so, and from whom, in the popover's name as well.
  const purpose =
    offer.purpose.kind === 'transfer'
      ? t('collaboration.offerTransfer', { name: offer.purpose.fromAgentName })
      : offer.purpose.kind === 'conference'
        ? t('collaboration.offerConference', { name: offer.purpose.fromAgentName })
        : null;

  const total = Date.parse(offer.expiresAt) - Date.parse(offer.offeredAt);
  const left = Date.parse(offer.expiresAt) - now;
  const fraction = total > 0 ? Math.min(1, Math.max(0, left / total)) : 0;

  // Only a colleague's request (transfer, conference) may be declined; routed work is accepted or lapses.
  async function decline() {
    setBusy(true);
    try {
      const agent = await declineOffer(offer.id);
      dispatch({ type: 'agent.reported', agent });
    } catch (error) {
      const failure = asRequestError(error);
      if (failure.code !== 'OFFER_NOT_PENDING' && failure.code !== 'NOT_OFFER_RECIPIENT') {
        notify(errorText(failure));
        setBusy(false);
        return;
      }
    }
    dispatch({ type: 'offer.dropped', offerId: offer.id });
  }

  useShortcut('accept', () => void accept(), first && !busy);

  async function accept() {
    setBusy(true);
    try {
      const conversation = await acceptOffer(offer.id);
      dispatch({ type: 'conversation.reported', conversation });
      dispatch({ type: 'offer.dropped', offerId: offer.id });
      onAccepted(conversation.id);
    } catch (error) {
      const failure = asRequestError(error);
      if (failure.code === 'OFFER_NOT_PENDING' || failure.code === 'NOT_OFFER_RECIPIENT') {
        notify(t('offers.noLongerAvailable'));
        dispatch({ type: 'offer.dropped', offerId: offer.id });
      } else {
        notify(errorText(failure));
        setBusy(false);
      }
    }
  }

  return (
    <section
      className="offer-card"
      role="dialog"
      aria-labelledby={purpose === null ? titleId : `${titleId} ${purposeId}`}
      data-offer-id={offer.id}
      data-purpose={offer.purpose.kind}
    >
      <header className="offer-header">
        <h2 id={titleId} className="offer-title">
          {t('offers.title')}
        </h2>
        <time
          className="offer-timer"
          data-testid="offer-timer"
          dateTime={offer.receivedAt}
          title={t('offers.waiting')}
        >
          {formatDuration(elapsedSince(offer.receivedAt, now))}
        </time>
      </header>
      {purpose !== null && (
        <p id={purposeId} className="offer-purpose" data-testid="offer-purpose">
          {purpose}
        </p>
      )}
      <p className="offer-customer">{offer.customerName}</p>
      <dl className="offer-details">
        <dt>{t('offers.customerPhone')}</dt>
        <dd>{customerHandle(offer)}</dd>
        <dt>{t('offers.origin')}</dt>
        <dd>{offer.businessNumber}</dd>
        <dt>{t('offers.queue')}</dt>
        <dd>{offer.queueName}</dd>
        {offer.windowExpiresAt !== undefined && offer.windowExpiresAt !== null && (
          <>
            <dt>{t('offers.window')}</dt>
            <dd data-testid="offer-window">
              {Date.parse(offer.windowExpiresAt) > now
                ? t('offers.windowLeft', { left: formatDuration(Date.parse(offer.windowExpiresAt) - now) })
                : t('offers.windowClosed')}
            </dd>
          </>
        )}
      </dl>
      <div className="offer-expiry" aria-hidden="true">
        <div className="offer-expiry-bar" style={{ width: `${fraction * 100}%` }} />
      </div>
      <button
        type="button"
        className="button button-accept button-block"
        data-offer-accept
        disabled={busy}
        aria-busy={busy}
        onClick={() => void accept()}
      >
        {t('offers.accept')}
      </button>
      {purpose !== null && (
        <button
          type="button"
          className="button button-secondary button-block"
          data-offer-decline
          disabled={busy}
          onClick={() => void decline()}
        >
          {t('offers.decline')}
        </button>
      )}
    </section>
  );
}
