import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { errorBodySchema, PROTOCOL_VERSION, supervisorOverviewSchema } from '@parlo/protocol';
import {
  sameOrigin,
  inboundTextPayload,
  postWebhook,
  sessionCookie,
  signedIn,
  useTestServer,
} from '../../testing/index.ts';

const server = useTestServer({ DISCONNECT_GRACE_SECONDS: '60' });

async function offers() {
  return server().parlo.store.transaction(async (tx) => Object.values((await tx.routing.read()).offers));
}

/** A desktop's socket: connects with the session cookie and says hello. */
async function openDesktop(username: string): Promise<WebSocket> {
  const cookie = await sessionCookie(server().url, username);
  const socket = new WebSocket(`${server().url.replace('http', 'ws')}/api/ws`, {
    headers: { cookie },
    origin: sameOrigin(server().url).origin,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, lastSeq: null }));
  return socket;
}

async function closeDesktop(socket: WebSocket): Promise<void> {
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.close();
  });
}

async function settle(): Promise<void> {
  // Presence changes are committed right after the socket event; give them a moment.
  await new Promise((resolve) => setTimeout(resolve, 150));
}

describe('routing in the server', () => {
  it('an agent whose desktop goes has their offer rescinded at once, and gets work again on reconnect', async () => {
    const anna = await signedIn(server().url, 'anna');
    const desktop = await openDesktop('anna');
    await anna('/api/agent/state', { method: 'POST', body: { kind: 'available' } });
    await postWebhook(
      server().url,
      JSON.stringify(inboundTextPayload({ wamid: 'wamid.p1', from: '391230000001' })),
    );
    const first = (await offers()).find((o) => o.agentId === 'usr_anna' && o.status.kind === 'pending');
    expect(first).toBeDefined();

    // An agent cannot sign out while an offer is shown.
    const signOut = await anna('/api/auth/logout', { method: 'POST', body: {} });
    expect(signOut.status).toBe(409);
    expect(errorBodySchema.parse(await signOut.json()).error.code).toBe('AGENT_HAS_WORK');

    await closeDesktop(desktop);
    await settle();
    // Rescinded: no longer pending, and the conversation waits in its queue again.
    expect((await offers()).filter((o) => o.status.kind === 'pending')).toHaveLength(0);
    const state = await server().parlo.store.transaction((tx) => tx.routing.read());
    expect(state.conversations[first!.conversationId]?.phase.kind).toBe('queued');
    expect(state.agents.usr_anna?.disconnectedAt).toBeTypeOf('number');

    const again = await openDesktop('anna');
    await settle();
    const pending = (await offers()).filter((o) => o.status.kind === 'pending');
    expect(pending).toMatchObject([{ agentId: 'usr_anna', conversationId: first!.conversationId }]);
    await closeDesktop(again);
    await settle();
  });

  it('[S-4] a supervisor sees who waits and takes an agent out of RONA; agents may not', async () => {
    const sofia = await signedIn(server().url, 'sofia');
    const overview = supervisorOverviewSchema.parse(await (await sofia('/api/supervisor/overview')).json());
    expect(overview.waiting).toHaveLength(1);
    expect(overview.waiting[0]).toMatchObject({ queueName: 'Customer Support', offeredTo: null });
    expect(overview.queues.find((q) => q.name === 'Customer Support')?.waiting).toBe(1);

    // Anna connects, is offered the conversation, and lets it lapse.
    await server().parlo.store.transaction(async (tx) => {
      for (const queue of await tx.listQueues()) await tx.updateQueue({ ...queue, offerTimeoutMs: 1 });
    });
    const desktop = await openDesktop('anna');
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await server().parlo.timers.fireDue()).toBeGreaterThan(0);
    const rona = supervisorOverviewSchema.parse(await (await sofia('/api/supervisor/overview')).json());
    expect(rona.agents.find((a) => a.userId === 'usr_anna')).toMatchObject({
      state: { kind: 'rona' },
      connected: true,
    });

    const marco = await signedIn(server().url, 'marco');
    const forbidden = await marco('/api/supervisor/agents/usr_anna/state', {
      method: 'POST',
      body: { kind: 'available' },
    });
    expect(forbidden.status).toBe(403);
    expect((await marco('/api/supervisor/overview')).status).toBe(403);

    // A long backlog is counted whole and listed longest-waiting first, up to waitingLimit.
    for (const n of [2, 3]) {
      await postWebhook(
        server().url,
        JSON.stringify(inboundTextPayload({ wamid: `wamid.page${n}`, from: `39123000000${n}` })),
      );
    }
    const page = supervisorOverviewSchema.parse(
      await (await sofia('/api/supervisor/overview?waitingLimit=2')).json(),
    );
    expect(page.waitingTotal).toBe(3);
    expect(page.waiting).toHaveLength(2);
    expect(page.queues.find((q) => q.name === 'Customer Support')?.waiting).toBe(3);
    expect((page.waiting[0]?.receivedAt ?? '') <= (page.waiting[1]?.receivedAt ?? '')).toBe(true);
    expect((await sofia('/api/supervisor/overview?waitingLimit=0')).status).toBe(400);

    const made = await sofia('/api/supervisor/agents/usr_anna/state', {
      method: 'POST',
      body: { kind: 'available' },
    });
    expect(made.status).toBe(200);
    const unknown = await sofia('/api/supervisor/agents/usr_nobody/state', {
      method: 'POST',
      body: { kind: 'available' },
    });
    expect(unknown.status).toBe(404);
    const admin = await signedIn(server().url, 'admin');
    const audit = (await (await admin('/api/admin/audit')).json()) as {
      entries: { action: string; subject: string }[];
    };
    expect(audit.entries[0]).toMatchObject({ action: 'agent.stateChanged', subject: 'usr_anna' });
    await closeDesktop(desktop);
  });

  it("[S-25] a queue's own wrap-up reasons: the catalog lists them and the wrap-up route accepts only them", async () => {
    await server().parlo.store.transaction(async (tx) => {
      for (const queue of await tx.listQueues())
        await tx.updateQueue({ ...queue, wrapUpReasonIds: ['wr_resolved', 'wr_escalated'] });
    });
    const marco = await signedIn(server().url, 'marco');
    const catalog = (await (await marco('/api/catalog')).json()) as {
      queues: { id: string; wrapUpReasonIds: string[] }[];
    };
    expect(catalog.queues.find((q) => q.id === 'q_support')?.wrapUpReasonIds).toEqual([
      'wr_resolved',
      'wr_escalated',
    ]);
    await marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } });
    await postWebhook(
      server().url,
      JSON.stringify(inboundTextPayload({ wamid: 'wamid.reasons1', from: '391230000077' })),
    );
    const offer = (await offers()).find((o) => o.agentId === 'usr_marco' && o.status.kind === 'pending');
    expect((await marco(`/api/offers/${offer!.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
    const conversationId = offer!.conversationId;
    expect(
      (await marco(`/api/conversations/${conversationId}/end`, { method: 'POST', body: {} })).status,
    ).toBe(200);
    const outside = await marco(`/api/conversations/${conversationId}/wrap-up`, {
      method: 'POST',
      body: { reasonId: 'wr_sale' },
    });
    expect(outside.status).toBe(400);
    expect(errorBodySchema.parse(await outside.json()).error.code).toBe('UNKNOWN_WRAP_UP_REASON');
    const inside = await marco(`/api/conversations/${conversationId}/wrap-up`, {
      method: 'POST',
      body: { reasonId: 'wr_escalated' },
    });
    expect(inside.status).toBe(200);
  });

  it('after a restart, agents whose desktops did not come back are treated as disconnected', async () => {
    const desktop = await openDesktop('marco');
    await settle();
    const swept = await server().parlo.sweepPresence();
    const state = await server().parlo.store.transaction((tx) => tx.routing.read());
    // Marco is connected; Anna's socket was closed above (already disconnected); Giulia never came.
    expect(state.agents.usr_marco?.disconnectedAt).toBeUndefined();
    expect(state.agents.usr_giulia?.disconnectedAt).toBeTypeOf('number');
    expect(swept).toBeGreaterThanOrEqual(1);
    expect(await server().parlo.sweepPresence()).toBe(0);
    await closeDesktop(desktop);
  });
});
