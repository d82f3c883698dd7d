import { describe, expect, it } from 'vitest';
import {
  adminBusinessNumberResponseSchema,
  adminQueueResponseSchema,
  adminRoutes,
  auditResponseSchema,
  deletedNumberMessagesResponseSchema,
  errorBodySchema,
  type ErrorBody,
} from '@parlo/protocol';
import { DEMO_NUMBER } from '../../seed/index.ts';
import {
  inboundTextPayload,
  postWebhook,
  eventually,
  openDesktop,
  signedIn,
  useTestServer,
} from '../../testing/index.ts';

const server = useTestServer();

async function error(res: Response): Promise<ErrorBody['error']> {
  return errorBodySchema.parse(await res.json()).error;
}

/** A demo-number webhook body moved to another business number. */
function onNumber(body: string, phoneNumberId: string, displayPhoneNumber: string): string {
  return body
    .replaceAll(DEMO_NUMBER.phoneNumberId, phoneNumberId)
    .replaceAll(DEMO_NUMBER.displayPhoneNumber, displayPhoneNumber);
}

describe('S-7: an admin deletes the business number of a live conversation', () => {
  it('[S-7] the agent sees blockedBy at once, sending -> 409 CONVERSATION_BLOCKED, End and wrap-up work; later messages are kept for admins', async () => {
    const admin = await signedIn(server().url, 'admin');
    // A number of its own, so the demo number keeps serving the other tests.
    const created = await admin(adminRoutes.businessNumbers, {
      method: 'POST',
      body: {
        phoneNumberId: '888000111',
        displayPhoneNumber: '15550001111',
        wabaId: '888',
        accessToken: 'token-888',
        appSecrets: ['demo-app-secret'],
        verifyToken: 'verify-888',
        queueId: 'q_support',
      },
    });
    const { businessNumber } = adminBusinessNumberResponseSchema.parse(await created.json());
    const toNumber = (wamid: string, from: string, text: string) => {
      return onNumber(JSON.stringify(inboundTextPayload({ wamid, from, text })), '888000111', '15550001111');
    };

    const anna = await signedIn(server().url, 'anna');
    const desktop = await openDesktop(server().url, 'anna');
    await anna('/api/agent/state', { method: 'POST', body: { kind: 'available' } });
    expect((await postWebhook(server().url, toNumber('wamid.s7a', '391239990001', 'hello'))).status).toBe(
      200,
    );
    const state = await server().parlo.store.transaction((tx) => tx.routing.read());
    const offer = Object.values(state.offers).find(
      (o) => o.agentId === 'usr_anna' && o.status.kind === 'pending',
    );
    expect(offer).toBeDefined();
    expect((await anna(`/api/offers/${offer!.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
    const conversationId = offer!.conversationId;
    desktop.events.length = 0;

    expect((await admin(adminRoutes.businessNumber(businessNumber.id), { method: 'DELETE' })).status).toBe(
      200,
    );
    const pushed = await eventually(() =>
      desktop.events.find((e) => e.type === 'conversation.upserted' && e.conversation.id === conversationId),
    );
    expect(pushed).toMatchObject({ conversation: { blockedBy: 'businessNumberDeleted', phase: 'active' } });

    const send = await anna(`/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      body: { text: 'are you there?', clientMessageId: 'client-s7-0001' },
    });
    expect(send.status).toBe(409);
    expect((await error(send)).code).toBe('CONVERSATION_BLOCKED');

    // The customer writes again into the blocked conversation: stored, the agent sees it.
    expect((await postWebhook(server().url, toNumber('wamid.s7b', '391239990001', 'hello?'))).status).toBe(
      200,
    );
    // A new customer of the deleted number: stored, never routed.
    expect((await postWebhook(server().url, toNumber('wamid.s7c', '391239990002', 'anyone?'))).status).toBe(
      200,
    );
    const stored = await server().parlo.store.transaction(async (tx) => [
      await tx.hasWamid('wamid.s7b'),
      await tx.hasWamid('wamid.s7c'),
    ]);
    expect(stored).toEqual([true, true]);
    const routing = await server().parlo.store.transaction((tx) => tx.routing.read());
    expect(Object.values(routing.offers).filter((o) => o.status.kind === 'pending')).toEqual([]);

    const list = deletedNumberMessagesResponseSchema.parse(
      await (await admin(adminRoutes.deletedNumberMessages)).json(),
    );
    expect(list.messages.map((m) => m.text)).toEqual(['anyone?', 'hello?']);
    expect(list.messages[1]).toMatchObject({ conversationId, businessNumberId: businessNumber.id });

    const end = await anna(`/api/conversations/${conversationId}/end`, { method: 'POST', body: {} });
    expect(end.status).toBe(200);
    const wrap = await anna(`/api/conversations/${conversationId}/wrap-up`, {
      method: 'POST',
      body: { reasonId: 'wr_resolved' },
    });
    expect(wrap.status).toBe(200);
    const audit = auditResponseSchema.parse(
      await (
        await admin(`${adminRoutes.audit}?action=businessNumbers.delete&subject=${businessNumber.id}`)
      ).json(),
    );
    expect(audit.entries[0]?.detail).toMatchObject({ blockedConversations: 1 });
    await anna('/api/agent/state', { method: 'POST', body: { kind: 'idle', idleCodeId: 'idle_break' } });
    desktop.close();
  });

  it('[S-7] deleting a queue blocks its live conversation with queueDeleted', async () => {
    const admin = await signedIn(server().url, 'admin');
    const { queue } = adminQueueResponseSchema.parse(
      await (await admin(adminRoutes.queues, { method: 'POST', body: { name: 'Temporary' } })).json(),
    );
    const { businessNumber } = adminBusinessNumberResponseSchema.parse(
      await (
        await admin(adminRoutes.businessNumbers, {
          method: 'POST',
          body: {
            phoneNumberId: '999000222',
            displayPhoneNumber: '15550002222',
            wabaId: '999',
            accessToken: 't',
            appSecrets: ['demo-app-secret'],
            verifyToken: 'v',
            queueId: queue.id,
          },
        })
      ).json(),
    );
    await admin(adminRoutes.user('usr_marco'), { method: 'PATCH', body: { queueIds: [queue.id] } });
    const marco = await signedIn(server().url, 'marco');
    const desktop = await openDesktop(server().url, 'marco');
    await marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } });
    const payload = inboundTextPayload({ wamid: 'wamid.s7q', from: '391239990009', text: 'hi' });
    await postWebhook(server().url, onNumber(JSON.stringify(payload), '999000222', '15550002222'));
    const state = await server().parlo.store.transaction((tx) => tx.routing.read());
    const offer = Object.values(state.offers).find(
      (o) => o.agentId === 'usr_marco' && o.status.kind === 'pending',
    );
    await marco(`/api/offers/${offer!.id}/accept`, { method: 'POST', body: {} });

    // Retarget the number first (a queue a number sends to cannot go), then delete the queue.
    await admin(adminRoutes.businessNumber(businessNumber.id), {
      method: 'PATCH',
      body: { queueId: 'q_sales' },
    });
    desktop.events.length = 0;
    expect((await admin(adminRoutes.queue(queue.id), { method: 'DELETE' })).status).toBe(200);
    expect(
      await eventually(() =>
        desktop.events.find(
          (e) => e.type === 'conversation.upserted' && e.conversation.id === offer!.conversationId,
        ),
      ),
    ).toMatchObject({ conversation: { blockedBy: 'queueDeleted' } });
    const after = await server().parlo.store.transaction((tx) => tx.routing.read());
    expect(after.agents.usr_marco?.queueIds).toEqual([]);
    const send = await marco(`/api/conversations/${offer!.conversationId}/messages`, {
      method: 'POST',
      body: { text: 'hello', clientMessageId: 'client-s7-0002' },
    });
    expect((await error(send)).code).toBe('CONVERSATION_BLOCKED');
    expect(
      (await marco(`/api/conversations/${offer!.conversationId}/end`, { method: 'POST', body: {} })).status,
    ).toBe(200);
    desktop.close();
  });
});

describe('[S-7][issue-18] deleting a number withdraws what nobody accepted yet', () => {
  it('a pending offer leaves the desktop and cannot be accepted; offered and queued conversations close unanswered', async () => {
    const admin = await signedIn(server().url, 'admin');
    const { queue } = adminQueueResponseSchema.parse(
      await (await admin(adminRoutes.queues, { method: 'POST', body: { name: 'Withdrawn' } })).json(),
    );
    const { businessNumber } = adminBusinessNumberResponseSchema.parse(
      await (
        await admin(adminRoutes.businessNumbers, {
          method: 'POST',
          body: {
            phoneNumberId: '666000444',
            displayPhoneNumber: '15550004444',
            wabaId: '666',
            accessToken: 't',
            appSecrets: ['demo-app-secret'],
            verifyToken: 'v',
            queueId: queue.id,
          },
        })
      ).json(),
    );
    // Giulia alone in the queue, one conversation at a time: the first customer is offered to
    // her, the second waits.
    await admin(adminRoutes.user('usr_giulia'), {
      method: 'PATCH',
      body: { queueIds: [queue.id], capacity: 1 },
    });
    const giulia = await signedIn(server().url, 'giulia');
    const desktop = await openDesktop(server().url, 'giulia');
    await giulia('/api/agent/state', { method: 'POST', body: { kind: 'available' } });
    for (const [wamid, from] of [
      ['wamid.s7w1', '391239990031'],
      ['wamid.s7w2', '391239990032'],
    ] as const) {
      const payload = inboundTextPayload({ wamid, from, text: 'anyone?' });
      expect(
        (await postWebhook(server().url, onNumber(JSON.stringify(payload), '666000444', '15550004444')))
          .status,
      ).toBe(200);
    }
    const before = await server().parlo.store.transaction((tx) => tx.routing.read());
    const offer = Object.values(before.offers).find(
      (o) => o.agentId === 'usr_giulia' && o.status.kind === 'pending',
    );
    if (!offer) throw new Error('no offer for giulia');
    const waiting = Object.values(before.conversations).filter(
      (c) => c.queueId === queue.id && c.phase.kind === 'queued',
    );
    expect(waiting).toHaveLength(1);

    expect((await admin(adminRoutes.businessNumber(businessNumber.id), { method: 'DELETE' })).status).toBe(
      200,
    );
    expect(
      await eventually(() =>
        desktop.events.find((e) => e.type === 'offer.removed' && e.offerId === offer.id),
      ),
    ).toBeDefined();
    const late = await giulia(`/api/offers/${offer.id}/accept`, { method: 'POST', body: {} });
    expect(late.status).toBeGreaterThanOrEqual(400);
    const after = await server().parlo.store.transaction((tx) => tx.routing.read());
    for (const id of [offer.conversationId, waiting[0]?.id ?? ''])
      expect(after.conversations[id]?.phase.kind ?? 'closed').toBe('closed');
    const audit = auditResponseSchema.parse(
      await (await admin(`${adminRoutes.audit}?subject=${businessNumber.id}`)).json(),
    );
    expect(audit.entries[0]?.detail).toMatchObject({ withdrawnConversations: 2 });
    desktop.close();
    // Giulia as the other tests know her: Idle, capacity 5.
    await giulia('/api/agent/state', { method: 'POST', body: { kind: 'idle', idleCodeId: 'idle_break' } });
    await admin(adminRoutes.user('usr_giulia'), { method: 'PATCH', body: { capacity: 5 } });
  });
});

describe('S-7 in a conference', () => {
  it('[S-7] deleting the number pushes the blocked conversation to the owner and to the joined guest', async () => {
    const admin = await signedIn(server().url, 'admin');
    const { businessNumber } = adminBusinessNumberResponseSchema.parse(
      await (
        await admin(adminRoutes.businessNumbers, {
          method: 'POST',
          body: {
            phoneNumberId: '777000333',
            displayPhoneNumber: '15550003333',
            wabaId: '777',
            accessToken: 't',
            appSecrets: ['demo-app-secret'],
            verifyToken: 'v',
            queueId: 'q_sales',
          },
        })
      ).json(),
    );
    await admin(adminRoutes.user('usr_anna'), { method: 'PATCH', body: { queueIds: ['q_sales'] } });
    await admin(adminRoutes.user('usr_giulia'), { method: 'PATCH', body: { queueIds: ['q_sales'] } });
    const anna = await signedIn(server().url, 'anna');
    const giulia = await signedIn(server().url, 'giulia');
    const annaDesktop = await openDesktop(server().url, 'anna');
    const giuliaDesktop = await openDesktop(server().url, 'giulia');
    await anna('/api/agent/state', { method: 'POST', body: { kind: 'available' } });
    const payload = inboundTextPayload({ wamid: 'wamid.s7conf', from: '391239990055', text: 'hi' });
    await postWebhook(server().url, onNumber(JSON.stringify(payload), '777000333', '15550003333'));
    const pendingFor = async (agentId: string) =>
      Object.values((await server().parlo.store.transaction((tx) => tx.routing.read())).offers).find(
        (o) => o.agentId === agentId && o.status.kind === 'pending',
      );
    const offer = await pendingFor('usr_anna');
    await anna(`/api/offers/${offer!.id}/accept`, { method: 'POST', body: {} });
    const conversationId = offer!.conversationId;
    await giulia('/api/agent/state', { method: 'POST', body: { kind: 'available' } });
    const asked = await anna(`/api/conversations/${conversationId}/conference`, {
      method: 'POST',
      body: { target: { kind: 'agent', agentId: 'usr_giulia' } },
    });
    expect(asked.status).toBe(200);
    const invite = await pendingFor('usr_giulia');
    expect((await giulia(`/api/offers/${invite!.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
    annaDesktop.events.length = 0;
    giuliaDesktop.events.length = 0;

    expect((await admin(adminRoutes.businessNumber(businessNumber.id), { method: 'DELETE' })).status).toBe(
      200,
    );
    const blockedFor = (desktop: typeof annaDesktop) =>
      eventually(() =>
        desktop.events.find(
          (e) => e.type === 'conversation.upserted' && e.conversation.id === conversationId,
        ),
      );
    expect(await blockedFor(annaDesktop)).toMatchObject({
      conversation: { blockedBy: 'businessNumberDeleted', role: 'owner', conference: { state: 'joined' } },
    });
    expect(await blockedFor(giuliaDesktop)).toMatchObject({
      conversation: { blockedBy: 'businessNumberDeleted', role: 'guest' },
    });
    // The guest cannot write either; the owner can still end it.
    const send = await giulia(`/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      body: { text: 'hello', clientMessageId: 'client-s7-0003' },
    });
    expect((await error(send)).code).toBe('CONVERSATION_BLOCKED');
    expect(
      (await anna(`/api/conversations/${conversationId}/end`, { method: 'POST', body: {} })).status,
    ).toBe(200);
    annaDesktop.close();
    giuliaDesktop.close();
  });
});
