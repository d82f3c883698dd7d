import { useEffect, useEffectEvent, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { OfferView } from '@parlo/protocol';
import { notificationPermission } from '../../lib/notification-permission.ts';
import { playOfferSound, primeOfferSound } from '../../lib/offer-sound.ts';
import { diffOffers, offerNotificationText, planAlerts, type AlertTranslate } from './offer-alerts.ts';

/** Focuses the Accept button of an offer's popover, if it is still on screen. */
function focusOffer(offerId: string): void {
  const button = document.querySelector<HTMLButtonElement>(
    `[data-offer-id="${CSS.escape(offerId)}"] [data-offer-accept]`,
  );
  button?.focus();
}

/**
 * Issue 3, the browser side: rings when a contact request arrives (unless muted) and, while the
 * tab is hidden, raises a system notification that brings the agent to the popover. The
 * notification closes when the offer leaves (accepted, lapsed, rescinded). The decisions are in
 * `offer-alerts.ts`; this only talks to the browser.
 */
export function useOfferAlerts(offers: readonly OfferView[], muted: boolean): void {
  const { t } = useTranslation();
  const seen = useRef<ReadonlySet<string>>(new Set());
  const shown = useRef(new Map<string, Notification>());

  const translate: AlertTranslate = (key, values) => t(key, values);

  const notify = useEffectEvent((offer: OfferView) => {
    const text = offerNotificationText(offer, translate);
    let notification: Notification;
    try {
      notification = new Notification(text.title, { body: text.body, tag: text.tag });
    } catch (error) {
      // Some browsers only allow notifications from a service worker; the ring and popover remain.
      console.warn('Could not show a notification', error);
      return;
    }
    notification.onclick = () => {
      window.focus();
      notification.close();
      // Let the window come forward before moving focus inside it.
      setTimeout(() => focusOffer(offer.id), 0);
    };
    notification.onclose = () => {
      if (shown.current.get(offer.id) === notification) shown.current.delete(offer.id);
    };
    shown.current.set(offer.id, notification);
  });

  const react = useEffectEvent((current: readonly OfferView[]) => {
    const delta = diffOffers(seen.current, current);
    seen.current = new Set(current.map((o) => o.id));
    for (const id of delta.removed) {
      shown.current.get(id)?.close();
      shown.current.delete(id);
    }
    const plan = planAlerts(delta.added, {
      hidden: document.visibilityState === 'hidden',
      permission: notificationPermission(),
      muted,
    });
    for (const offer of plan.notify) notify(offer);
    if (plan.ring) playOfferSound();
  });

  useEffect(() => {
    react(offers);
  }, [offers]);

  useEffect(() => {
    // Browsers start audio only after a gesture: unlock it on the agent's first click or key.
    const prime = () => primeOfferSound();
    document.addEventListener('pointerdown', prime, { once: true, capture: true });
    document.addEventListener('keydown', prime, { once: true, capture: true });
    const open = shown.current;
    return () => {
      document.removeEventListener('pointerdown', prime, { capture: true });
      document.removeEventListener('keydown', prime, { capture: true });
      // Signed out: nothing on screen can be accepted any more.
      for (const notification of open.values()) notification.close();
      open.clear();
    };
  }, []);
}
