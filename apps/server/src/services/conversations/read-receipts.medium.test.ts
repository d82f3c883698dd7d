import { describe, expect, it } from 'vitest';
import {
  CUSTOMER,
  openConversation,
  reads,
  sameOrigin,
  sessionCookie,
  until,
  useGraphEnv,
} from '../../testing/index.ts';

describe('[issue-4] mark as read policy', () => {
  const e = useGraphEnv(async (env) => {
    await openConversation(env);
    env.server.parlo.outbox.kick();
  });

  const inboundStatus = () =>
    e()
      .sim.thread(CUSTOMER)
      .find((m) => m.direction === 'in')?.status;

  it("[issue-4] 'never': opening the conversation sends no read receipt", async () => {
    expect(
      (await e().admin('/api/admin/settings', { method: 'PUT', body: { readReceipts: 'never' } })).status,
    ).toBe(200);
    const res = await e().marco(`/api/conversations/${e().conversationId}/read`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ queued: false });
    await new Promise((r) => setTimeout(r, 300));
    expect(reads(e())).toHaveLength(0);
    expect(inboundStatus()).toBe('delivered');
  });

  it("[issue-4] 'onOpen' (default): opening marks the latest customer message read at WhatsApp, once", async () => {
    expect(
      (await e().admin('/api/admin/settings', { method: 'PUT', body: { readReceipts: 'onOpen' } })).status,
    ).toBe(200);
    const res = await e().marco(`/api/conversations/${e().conversationId}/read`, { method: 'POST' });
    expect(await res.json()).toEqual({ queued: true });
    await until(
      () => Promise.resolve(inboundStatus() === 'read' ? true : undefined),
      'the customer message to be read',
    );
    const wamid = e()
      .sim.thread(CUSTOMER)
      .find((m) => m.direction === 'in')?.wamid;
    expect(reads(e()).map((c) => c.body)).toEqual([
      { messaging_product: 'whatsapp', status: 'read', message_id: wamid },
    ]);
    // Opening it again with nothing new sends nothing more.
    const again = await e().marco(`/api/conversations/${e().conversationId}/read`, { method: 'POST' });
    expect(await again.json()).toEqual({ queued: false });
  });

  it('[issue-4] only a participant may mark a conversation read', async () => {
    const cookie = await sessionCookie(e().server.url, 'anna');
    const res = await fetch(`${e().server.url}/api/conversations/${e().conversationId}/read`, {
      method: 'POST',
      headers: { cookie, ...sameOrigin(e().server.url) },
    });
    expect(res.status).toBe(403);
  });
});
