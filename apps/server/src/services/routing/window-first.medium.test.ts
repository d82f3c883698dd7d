import { describe, expect, it } from 'vitest';
import { SERVICE_WINDOW_MS } from '@parlo/whatsapp';
import {
  eventually,
  inboundTextPayload,
  pendingOfferOf as pendingOffer,
  postWebhook,
  signedIn,
  useTestServer,
} from '../../testing/index.ts';

/**
 * Routing that knows the reply window (issue 14), through the real server: an administrator turns
 * the queue's window-first option on; WhatsApp's message timestamps set each waiting customer's
 * window; a customer who writes again moves theirs (the ingest tells the routing world); the world
 * read back from the database agrees.
 */
const server = useTestServer();
const nowSeconds = () => Math.floor(Date.now() / 1000);

const pendingOfferOf = (agentId: string) => pendingOffer(server(), agentId);

describe('window-first queues (issue 14)', () => {
  it('[issue-14] the customer whose window is about to close is offered first; one who wrote again waits their turn', async () => {
    const admin = await signedIn(server().url, 'admin');
    const option = await admin('/api/admin/queues/q_support', {
      method: 'PATCH',
      body: { windowFirst: { thresholdMinutes: 60, maxOvertakeMinutes: 30 } },
    });
    expect(option.status).toBe(200);
    expect(((await option.json()) as { queue: { windowFirst: unknown } }).queue.windowFirst).toEqual({
      thresholdMinutes: 60,
      maxOvertakeMinutes: 30,
    });
    expect(
      (await admin('/api/admin/users/usr_anna', { method: 'PATCH', body: { capacity: 1 } })).status,
    ).toBe(200);

    // Arrival order: first (24 h left), late (its message is 23.5 h old: 30 min left), then
    // rewrote (as old) who writes again at once: 24 h left again.
    const post = (wamid: string, from: string, timestamp: number) =>
      postWebhook(server().url, JSON.stringify(inboundTextPayload({ wamid, from, timestamp })));
    const halfHourLeft = nowSeconds() - (SERVICE_WINDOW_MS / 1000 - 30 * 60);
    expect((await post('wamid.wf.first', '391110000001', nowSeconds())).status).toBe(200);
    expect((await post('wamid.wf.late', '391110000002', halfHourLeft)).status).toBe(200);
    expect((await post('wamid.wf.rewrote', '391110000003', halfHourLeft)).status).toBe(200);
    expect((await post('wamid.wf.rewrote.2', '391110000003', nowSeconds())).status).toBe(200);

    const world = await server().parlo.store.transaction((tx) => tx.routing.read());
    const byCustomer = new Map<string, string>();
    for (const [id, wamid] of [
      ['391110000001', 'wamid.wf.first'],
      ['391110000002', 'wamid.wf.late'],
      ['391110000003', 'wamid.wf.rewrote'],
    ] as const) {
      const row = await server().parlo.store.transaction((tx) => tx.findMessageByWamid(wamid));
      byCustomer.set(id, row?.conversationId ?? '');
    }
    const late = world.conversations[byCustomer.get('391110000002') ?? ''];
    const rewrote = world.conversations[byCustomer.get('391110000003') ?? ''];
    // Read back from the rows: the window is the last inbound message's time plus 24 h.
    expect(late?.windowClosesAt).toBe(halfHourLeft * 1000 + SERVICE_WINDOW_MS);
    expect(rewrote?.windowClosesAt).toBeGreaterThan(Date.now() + SERVICE_WINDOW_MS - 60_000);

    const anna = await signedIn(server().url, 'anna');
    expect((await anna('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
      200,
    );
    const offer = await eventually(() => pendingOfferOf('usr_anna'));
    expect(offer?.conversationId).toBe(byCustomer.get('391110000002'));

    // Handled and wrapped up: the next is the first to arrive, not the one who wrote again.
    const lateId = offer?.conversationId ?? '';
    expect((await anna(`/api/offers/${offer?.id ?? ''}/accept`, { method: 'POST', body: {} })).status).toBe(
      200,
    );
    expect((await anna(`/api/conversations/${lateId}/end`, { method: 'POST', body: {} })).status).toBe(200);
    const wrapUp = await anna(`/api/conversations/${lateId}/wrap-up`, {
      method: 'POST',
      body: { reasonId: 'wr_sale' },
    });
    expect(wrapUp.status).toBe(200);
    const next = await eventually(async () => {
      const o = await pendingOfferOf('usr_anna');
      return o && o.id !== offer?.id ? o : undefined;
    });
    expect(next?.conversationId).toBe(byCustomer.get('391110000001'));
  });
});
