import type { OfferView } from '@parlo/protocol';
import type { NotificationPermissionState } from '../../lib/notification-permission.ts';

/**
 * Issue 3: an agent whose desktop tab is hidden must still learn of a contact request. The pure
 * part lives here (which offers are new, what to say, whether to ring); `use-offer-alerts.ts` is
 * the thin browser adapter (Notification, Web Audio, visibility).
 */

/** What changed between the offers we had seen and the ones on screen now. */
export interface OfferDelta {
  /** Offers on screen now that were not before, in display order. */
  readonly added: readonly OfferView[];
  /** Ids seen before that are no longer on screen (accepted, lapsed, rescinded). */
  readonly removed: readonly string[];
}

/**
 * Compares the offers on screen with the ids already seen. An offer counts as new once: a later
 * snapshot that still carries it (a reconnect) adds nothing.
 */
export function diffOffers(seen: ReadonlySet<string>, offers: readonly OfferView[]): OfferDelta {
  const current = new Set(offers.map((o) => o.id));
  return {
    added: offers.filter((o) => !seen.has(o.id)),
    removed: [...seen].filter((id) => !current.has(id)),
  };
}

/** The translation keys the notification uses, with i18next's call shape. */
export type AlertTranslate = (
  key: 'offers.notificationTitle' | 'offers.notificationBody',
  values?: { customer: string; queue: string },
) => string;

export interface OfferNotificationText {
  readonly title: string;
  readonly body: string;
  /** The offer id: a second notification for the same offer replaces the first. */
  readonly tag: string;
}

/**
 * The system notification of one offer: the customer's name and the queue, as the server sent
 * them (masked when masking is on). Never the phone number: a notification can show on a locked
 * screen or be mirrored to a phone.
 */
export function offerNotificationText(
  offer: Pick<OfferView, 'id' | 'customerName' | 'queueName'>,
  t: AlertTranslate,
): OfferNotificationText {
  return {
    title: t('offers.notificationTitle'),
    body: t('offers.notificationBody', { customer: offer.customerName, queue: offer.queueName }),
    tag: offer.id,
  };
}

export interface AlertContext {
  /** `document.visibilityState === 'hidden'`. */
  readonly hidden: boolean;
  readonly permission: NotificationPermissionState;
  /** The agent's "Mute offer sound" toggle. */
  readonly muted: boolean;
}

export interface AlertPlan {
  /** Offers to raise a system notification for. */
  readonly notify: readonly OfferView[];
  /** Whether to ring (once, however many offers arrived together). */
  readonly ring: boolean;
}

/**
 * What to do about newly arrived offers: a system notification each while the tab is hidden (and
 * the agent allowed them), and one ring unless the agent muted the sound.
 */
export function planAlerts(added: readonly OfferView[], context: AlertContext): AlertPlan {
  if (added.length === 0) return { notify: [], ring: false };
  return {
    notify: context.hidden && context.permission === 'granted' ? added : [],
    ring: !context.muted,
  };
}
