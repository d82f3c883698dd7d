import { describe, expect, it } from 'vitest';
import { DEMO_NUMBER } from '../../seed/index.ts';
import { inboundTextPayload, postWebhook, useTwoNodes } from '../../testing/index.ts';

/**
 * Issue 13: a batch creates the customers it found under no key in one statement, after its lookup.
 * Two nodes that take a first-time customer's messages at the same moment both find no customer;
 * the one that inserts second finds the key taken, and its delivery runs again alone, when its
 * lookup sees the customer. Nothing may be lost or doubled: one customer, one conversation, every
 * message once.
 */

const cluster = useTwoNodes('new-customers');

describe('[issue-13] [cluster] a first-time customer writing to two nodes at once', () => {
  it('is created once, with one conversation holding every message once', async () => {
    const t = Math.floor(Date.now() / 1000);
    const customers = Array.from({ length: 12 }, (_, i) => `39088${String(i).padStart(4, '0')}`);
    for (const from of customers) {
      const statuses = await Promise.all(
        [0, 1].map((n) =>
          postWebhook(
            cluster.node(n).url,
            JSON.stringify(
              inboundTextPayload({
                wamid: `wamid.nc.${from}.${n}`,
                from,
                name: 'First Time',
                text: `via ${n}`,
                timestamp: t,
              }),
            ),
          ).then((res) => res.status),
        ),
      );
      expect(statuses).toEqual([200, 200]);
    }
    const store = cluster.node(0).parlo.store;
    const numberId = (await store.transaction((tx) =>
      tx.findBusinessNumberByPhoneNumberId(DEMO_NUMBER.phoneNumberId),
    ))!.id;
    for (const from of customers) {
      const found = await store.transaction(async (tx) => {
        const { customers: byNumber } = await tx.lookupInbound({
          wamids: [],
          customers: [{ businessNumberId: numberId, waId: from }],
        });
        const customer = byNumber.get(numberId)?.get(from);
        const live = customer && (await tx.findLiveConversationOfCustomer(customer.id));
        const texts = live ? (await tx.listMessages(live.id)).map((m) => m.text).sort() : [];
        return { customer: customer?.name, texts };
      });
      expect(found).toEqual({ customer: 'First Time', texts: ['via 0', 'via 1'] });
    }
  });
});
