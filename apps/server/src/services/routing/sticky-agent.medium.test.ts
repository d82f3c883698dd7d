import { describe, expect, it } from 'vitest';
import {
  eventually,
  inboundTextPayload,
  pendingOfferOf as pendingOffer,
  postWebhook,
  signedIn,
  useTestServer,
} from '../../testing/index.ts';

/**
 * Sticky agent (issue 15), through the real server: a returning customer's new conversation is
 * kept for the agent who served them last, and offered to others once the queue's time is up.
 */
const server = useTestServer();
const nowSeconds = () => Math.floor(Date.now() / 1000);

const pendingOfferOf = (agentId: string) => pendingOffer(server(), agentId);

describe('sticky agent (issue 15)', () => {
  it("[issue-15] a returning customer is kept for their last agent, then offered to others after the queue's time", async () => {
    const admin = await signedIn(server().url, 'admin');
    const sticky = await admin('/api/admin/queues/q_support', {
      method: 'PATCH',
      body: { stickyAgentSeconds: 5 },
    });
    expect(sticky.status).toBe(200);
    const marco = await signedIn(server().url, 'marco');
    const giulia = await signedIn(server().url, 'giulia');
    const post = (wamid: string) =>
      postWebhook(
        server().url,
        JSON.stringify(inboundTextPayload({ wamid, from: '391110000009', timestamp: nowSeconds() })),
      );

    // Giulia serves the customer's first conversation (the only one available).
    expect((await giulia('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
      200,
    );
    expect((await post('wamid.sticky.1')).status).toBe(200);
    const first = await eventually(() => pendingOfferOf('usr_giulia'));
    expect(first).toBeDefined();
    const firstId = first?.conversationId ?? '';
    expect((await giulia(`/api/offers/${first?.id ?? ''}/accept`, { method: 'POST', body: {} })).status).toBe(
      200,
    );
    expect((await giulia(`/api/conversations/${firstId}/end`, { method: 'POST', body: {} })).status).toBe(
      200,
    );
    expect(
      (
        await giulia(`/api/conversations/${firstId}/wrap-up`, {
          method: 'POST',
          body: { reasonId: 'wr_sale' },
        })
      ).status,
    ).toBe(200);

    // Giulia goes on a break; Marco is available. The customer writes again: kept for Giulia.
    expect(
      (await giulia('/api/agent/state', { method: 'POST', body: { kind: 'idle', idleCodeId: 'idle_break' } }))
        .status,
    ).toBe(200);
    expect((await marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
      200,
    );
    const before = Date.now();
    expect((await post('wamid.sticky.2')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await pendingOfferOf('usr_marco')).toBeUndefined();

    // The queue's 5 s pass (tests fire due timers by hand): Marco gets it.
    expect(await server().parlo.timers.fireDue()).toBe(0);
    await new Promise((r) => setTimeout(r, Math.max(0, before + 5_000 - Date.now())));
    let fired = 0;
    for (let i = 0; i < 30 && fired === 0; i++) {
      fired = await server().parlo.timers.fireDue();
      if (fired === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(fired).toBeGreaterThanOrEqual(1);
    const offered = await eventually(() => pendingOfferOf('usr_marco'));
    expect(offered).toBeDefined();
    expect(Date.now() - before).toBeGreaterThanOrEqual(5_000);
    expect(offered?.conversationId).not.toBe(firstId);
  });
});
