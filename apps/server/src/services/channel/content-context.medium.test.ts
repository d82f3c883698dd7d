import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MessageView } from '@parlo/protocol';
import { describe, expect, it } from 'vitest';
import { Presenter } from '../../views/index.ts';
import { postWebhook, useTestServer } from '../../testing/index.ts';

/**
 * Issue 14, context shown to the agent, fed Meta's documented shapes (the fixtures of
 * @parlo/whatsapp, written from https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/
 * — order, unsupported, text with context.forwarded / frequently_forwarded / referred_product,
 * referral of a Click-to-WhatsApp ad, system user_changed_number): each reaches the view an agent
 * receives with what it means, masked like the rest when masking is on.
 */

const FIXTURES = new URL('../../../../../packages/whatsapp/src/fixtures/', import.meta.url);
const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`${name}.json`, FIXTURES)), 'utf8');
const wamidOf = (body: string): string =>
  (JSON.parse(body) as { entry: [{ changes: [{ value: { messages: [{ id: string }] } }] }] }).entry[0]
    .changes[0].value.messages[0].id;

const server = useTestServer();

/** Every stored message of the demo customer's conversations, as an agent would be sent them. */
async function viewsByWamid(): Promise<Map<string, MessageView>> {
  return server().parlo.store.transaction(async (tx) => {
    const presenter = await Presenter.load(tx);
    const ids = Object.keys((await tx.routing.read()).conversations);
    const byWamid = new Map<string, MessageView>();
    for (const details of await tx.getConversationDetails(ids)) {
      for (const row of await tx.listMessages(details.id)) {
        if (row.wamid) byWamid.set(row.wamid, presenter.message(row, details));
      }
    }
    return byWamid;
  });
}

describe('[issue-14] what a message says beyond its text reaches the agent', () => {
  const names = [
    'message-order',
    'message-unsupported',
    'message-text-forwarded',
    'message-text-frequently-forwarded',
    'message-text-referral-image-ad',
    'message-text-product-enquiry',
  ];
  const bodies = new Map(names.map((n) => [n, fixture(n)]));

  it("Meta's shapes are acknowledged and stored", async () => {
    for (const body of bodies.values()) expect((await postWebhook(server().url, body)).status).toBe(200);
  });

  it('an order is a card of items, quantities, unit prices and its total', async () => {
    const view = (await viewsByWamid()).get(wamidOf(bodies.get('message-order') ?? ''));
    expect(view?.content).toEqual({
      kind: 'order',
      catalogId: expect.any(String) as string,
      items: [
        { productRetailerId: 'PACER2-BLU-42', quantity: 1, itemPrice: 89.9, currency: 'EUR' },
        { productRetailerId: 'SOCKS-RUN-3P', quantity: 2, itemPrice: 12.99, currency: 'EUR' },
      ],
      totals: [{ currency: 'EUR', amount: expect.closeTo(115.88, 2) as number }],
    });
  });

  it("an unsupported message carries Meta's code and title", async () => {
    const view = (await viewsByWamid()).get(wamidOf(bodies.get('message-unsupported') ?? ''));
    expect(view?.content).toMatchObject({ kind: 'unsupported', code: 131051, title: 'Message type unknown' });
  });

  it('forwarded and frequently forwarded texts are labelled; others are not', async () => {
    const views = await viewsByWamid();
    expect(views.get(wamidOf(bodies.get('message-text-forwarded') ?? ''))?.context?.forwarded).toBe('once');
    expect(
      views.get(wamidOf(bodies.get('message-text-frequently-forwarded') ?? ''))?.context?.forwarded,
    ).toBe('many');
    expect(views.get(wamidOf(bodies.get('message-order') ?? ''))?.context).toBeUndefined();
  });

  it('the ad a customer came from, and the product they asked about, are shown', async () => {
    const views = await viewsByWamid();
    const ad = views.get(wamidOf(bodies.get('message-text-referral-image-ad') ?? ''));
    expect(ad?.context?.referral).toMatchObject({ sourceType: 'ad' });
    expect(ad?.context?.referral?.sourceUrl).toMatch(/^https:/);
    expect(ad?.context?.referral?.headline).toBeTruthy();
    const product = views.get(wamidOf(bodies.get('message-text-product-enquiry') ?? ''));
    expect(product?.context?.product).toEqual({
      catalogId: '194836987003835',
      productRetailerId: 'PACER2-BLU-42',
    });
  });
});
