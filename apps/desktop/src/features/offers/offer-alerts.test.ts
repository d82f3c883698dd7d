import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { OfferView } from '@parlo/protocol';
import { en } from '../../i18n/en.ts';
import { it as italian } from '../../i18n/it.ts';
import { diffOffers, offerNotificationText, planAlerts, type AlertTranslate } from './offer-alerts.ts';

const T0 = '2025-01-01T10:00:00.000Z';
const PHONE = '+393331234567';

function offer(id: string, patch: Partial<OfferView> = {}): OfferView {
  return {
    id,
    conversationId: `c-${id}`,
    customerName: 'Maria Rossi',
    customerPhone: PHONE,
    businessNumber: '+390212345678',
    queueName: 'Customer Support',
    receivedAt: T0,
    offeredAt: T0,
    expiresAt: '2025-01-01T10:00:30.000Z',
    purpose: { kind: 'route' },
    ...patch,
  };
}

async function translator(lng: 'en' | 'it'): Promise<AlertTranslate> {
  const i18n = i18next.createInstance();
  await i18n.init({
    resources: { en: { translation: en }, it: { translation: italian } },
    lng,
    interpolation: { escapeValue: false },
  });
  return (key, values) => i18n.t(key, values);
}

describe('diffOffers: which offers are new', () => {
  it('an offer not seen before is added, once', () => {
    const first = diffOffers(new Set(), [offer('o1')]);
    expect(first.added.map((o) => o.id)).toEqual(['o1']);
    expect(first.removed).toEqual([]);
    expect(diffOffers(new Set(['o1']), [offer('o1')]).added).toEqual([]);
  });

  it('a snapshot repeating a known offer and carrying a new one adds only the new one', () => {
    const delta = diffOffers(new Set(['o1']), [offer('o1'), offer('o2')]);
    expect(delta.added.map((o) => o.id)).toEqual(['o2']);
  });

  it('an offer that left (accepted, lapsed, rescinded) is reported removed', () => {
    const delta = diffOffers(new Set(['o1', 'o2']), [offer('o2')]);
    expect(delta.removed).toEqual(['o1']);
    expect(delta.added).toEqual([]);
  });
});

describe('offerNotificationText', () => {
  it('names the customer and the queue, tagged with the offer id', async () => {
    const text = offerNotificationText(offer('o7'), await translator('en'));
    expect(text).toEqual({ title: 'Contact request', body: 'Maria Rossi · Customer Support', tag: 'o7' });
  });

  it('is in Italian for an Italian desktop', async () => {
    const text = offerNotificationText(offer('o7', { queueName: 'Assistenza' }), await translator('it'));
    expect(text.title).toBe('Richiesta di contatto');
    expect(text.body).toBe('Maria Rossi · Assistenza');
  });

  it('[S-13] never shows the phone number, and shows a masked name as the server sent it', async () => {
    const masked = offer('o8', { customerName: '*********4567' });
    const text = offerNotificationText(masked, await translator('en'));
    expect(text.body).toBe('*********4567 · Customer Support');
    expect(JSON.stringify(text)).not.toContain(PHONE);
    expect(JSON.stringify(text)).not.toContain('3331234567');
  });
});

describe('planAlerts', () => {
  const visible = { hidden: false, permission: 'granted', muted: false } as const;

  it('nothing new: no notification, no ring', () => {
    expect(planAlerts([], { ...visible, hidden: true })).toEqual({ notify: [], ring: false });
  });

  it('tab hidden and notifications allowed: one notification per new offer and a ring', () => {
    const plan = planAlerts([offer('o1'), offer('o2')], { ...visible, hidden: true });
    expect(plan.notify.map((o) => o.id)).toEqual(['o1', 'o2']);
    expect(plan.ring).toBe(true);
  });

  it('tab visible: a ring but no system notification', () => {
    expect(planAlerts([offer('o1')], visible)).toEqual({ notify: [], ring: true });
  });

  it('no notification without permission, but still a ring', () => {
    for (const permission of ['default', 'denied', 'unsupported'] as const) {
      expect(planAlerts([offer('o1')], { hidden: true, permission, muted: false })).toEqual({
        notify: [],
        ring: true,
      });
    }
  });

  it('muted: no ring, notifications still raised while hidden', () => {
    expect(planAlerts([offer('o1')], { ...visible, muted: true }).ring).toBe(false);
    const hidden = planAlerts([offer('o1')], { hidden: true, permission: 'granted', muted: true });
    expect(hidden.ring).toBe(false);
    expect(hidden.notify).toHaveLength(1);
  });
});
