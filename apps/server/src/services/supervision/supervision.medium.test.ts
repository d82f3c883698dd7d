import { createSimulator, type Simulator } from '@parlo/whatsapp-sim';
import {
  errorBodySchema,
  liveConversationsResponseSchema,
  messageResponseSchema,
  messagesResponseSchema,
  monitorFrameSchema,
  monitorResponseSchema,
  searchResponseSchema,
  searchRoutes,
  supervisionRoutes,
  type AgentEvent,
  type MonitorFrame,
} from '@parlo/protocol';
import WebSocket from 'ws';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_NUMBER } from '../../seed/index.ts';
import {
  eventually,
  freshPostgres,
  inboundTextPayload,
  openDesktop,
  postWebhook,
  signedIn,
  sameOrigin,
  sessionCookie,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';

/**
 * Issue 16's live supervision over the real server (SQLite, then PostgreSQL) and the WhatsApp
 * simulator: the live list, monitor, whisper and internal notes, barge-in, reassign, force state,
 * and who may call what.
 */

const CUSTOMER = '16505551234';

let dialect: 'sqlite' | 'postgres' = 'sqlite';

type Fetcher = (path: string, init?: { method?: string; body?: unknown }) => Promise<Response>;

interface Env {
  server: TestServer;
  sim: Simulator;
  marco: Fetcher;
  anna: Fetcher;
  sofia: Fetcher;
  admin: Fetcher;
  conversationId: string;
}

let current: Env | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  if (!current) return;
  await current.sim.stop();
  await current.server.close();
  current = undefined;
});

/** A server and simulator; Marco owns a conversation with the customer. */
async function start(settings: Record<string, string> = {}): Promise<Env> {
  const sim = createSimulator({
    webhookUrl: 'http://127.0.0.1:9/unset',
    numbers: [
      {
        phoneNumberId: DEMO_NUMBER.phoneNumberId,
        displayPhoneNumber: DEMO_NUMBER.displayPhoneNumber,
        wabaId: DEMO_NUMBER.wabaId,
        accessToken: DEMO_NUMBER.accessToken,
        appSecret: DEMO_NUMBER.appSecret,
      },
    ],
    statusDelaysMs: { sent: 5, delivered: 10, read: 100_000 },
  });
  const simUrl = await sim.start(0, '127.0.0.1');
  const server = await startTestServer({
    GRAPH_API_BASE_URL: simUrl,
    OUTBOX_POLL_MS: '20',
    ...(dialect === 'postgres' ? { DATABASE_URL: await freshPostgres() } : {}),
  });
  sim.setWebhookUrl(`${server.url}/webhooks/whatsapp`);
  await server.parlo.store.transaction(async (tx) => {
    await tx.setSetting('masking.enabled', 'false');
    for (const [key, value] of Object.entries(settings)) await tx.setSetting(key, value);
  });
  const e: Env = {
    server,
    sim,
    marco: await signedIn(server.url, 'marco'),
    anna: await signedIn(server.url, 'anna'),
    sofia: await signedIn(server.url, 'sofia'),
    admin: await signedIn(server.url, 'admin'),
    conversationId: '',
  };
  current = e;
  expect((await post(e.marco, '/api/agent/state', { kind: 'available' })).status).toBe(200);
  sim.sendFromCustomer(CUSTOMER, { text: 'Hello, are you there?' });
  await sim.idle();
  const offer = await pendingOffer(e, 'usr_marco');
  expect((await post(e.marco, `/api/offers/${offer.id}/accept`)).status).toBe(200);
  e.conversationId = offer.conversationId;
  return e;
}

async function state(e: Env) {
  return e.server.parlo.store.transaction((tx) => tx.routing.read());
}

async function pendingOffer(e: Env, agentId: string) {
  const offer = await until(
    async () =>
      Object.values((await state(e)).offers).find(
        (o) => o.agentId === agentId && o.status.kind === 'pending',
      ),
    `an offer for ${agentId}`,
  );
  return offer;
}

const post = (f: Fetcher, path: string, body: unknown = {}) => f(path, { method: 'POST', body });

async function errorCode(res: Response): Promise<string> {
  return errorBodySchema.parse(await res.json()).error.code;
}

async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function eventsOf(e: Env, agentId: string): Promise<AgentEvent[]> {
  const rows = await e.server.parlo.store.transaction((tx) => tx.agentEventsAfter(agentId, 0, 10_000));
  return rows.map((r) => r.event as AgentEvent);
}

async function messages(e: Env, f: Fetcher) {
  const res = await f(`/api/conversations/${e.conversationId}/messages`);
  expect(res.status).toBe(200);
  return messagesResponseSchema.parse(await res.json()).messages;
}

/** A supervisor's monitor socket that keeps every frame. */
async function openMonitor(e: Env, username: string): Promise<{ socket: WebSocket; frames: MonitorFrame[] }> {
  const cookie = await sessionCookie(e.server.url, username);
  const socket = new WebSocket(
    `${e.server.url.replace('http', 'ws')}${supervisionRoutes.monitorSocket(e.conversationId)}`,
    { headers: { cookie }, origin: e.server.url },
  );
  sockets.push(socket);
  const frames: MonitorFrame[] = [];
  socket.on('message', (data: Buffer) =>
    frames.push(monitorFrameSchema.parse(JSON.parse(data.toString('utf8')))),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await until(() => (frames.length > 0 ? true : undefined), 'the first monitor frame');
  return { socket, frames };
}

const lastView = (frames: readonly MonitorFrame[]) => {
  const last = frames.at(-1);
  return last?.type === 'monitor' ? last.view : undefined;
};

async function audited(e: Env, action: string): Promise<boolean> {
  const rows = await e.server.parlo.store.transaction((tx) => tx.listAudit(200));
  return rows.some((r) => r.action === action && r.actorUserId === 'usr_sofia');
}

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`on ${store}`, () => {
    beforeAll(() => {
      dialect = store;
    });

    it('an agent is refused every supervision action with 403 NOT_SUPERVISOR; a signed-out caller with 401', async () => {
      const e = await start();
      const id = e.conversationId;
      const calls: [string, string, unknown?][] = [
        ['GET', supervisionRoutes.conversations],
        ['GET', supervisionRoutes.conversation(id)],
        ['POST', supervisionRoutes.whisper(id), { text: 'psst', clientMessageId: 'whisper-0001' }],
        ['POST', supervisionRoutes.bargeIn(id)],
        ['POST', supervisionRoutes.messages(id), { text: 'hi', clientMessageId: 'barge-msg-01' }],
        ['POST', supervisionRoutes.leave(id)],
        ['POST', supervisionRoutes.reassign(id), { target: { kind: 'queue', queueId: 'q_sales' } }],
        ['POST', supervisionRoutes.signOutAgent('usr_anna'), {}],
        ['POST', '/api/supervisor/agents/usr_anna/state', { kind: 'idle', idleCodeId: 'idle_break' }],
        ['GET', '/api/supervisor/overview'],
      ];
      for (const [method, path, body] of calls) {
        const res = await e.marco(path, { method, body: method === 'POST' ? (body ?? {}) : undefined });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(await errorCode(res), `${method} ${path}`).toBe('NOT_SUPERVISOR');
        const anonymous = await fetch(`${e.server.url}${path}`, {
          method,
          headers: { ...sameOrigin(e.server.url), 'content-type': 'application/json' },
          ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
        });
        expect(anonymous.status, `${method} ${path} signed out`).toBe(401);
      }
      // The monitor socket is refused before the upgrade.
      const cookie = await sessionCookie(e.server.url, 'marco');
      const refused = new WebSocket(
        `${e.server.url.replace('http', 'ws')}${supervisionRoutes.monitorSocket(id)}`,
        {
          headers: { cookie },
          origin: e.server.url,
        },
      );
      const status = await new Promise<number>((resolve) => {
        refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        refused.once('open', () => resolve(101));
      });
      expect(status).toBe(403);
      // Nothing changed: Marco still owns it, nobody joined, no note.
      expect((await state(e)).conversations[id]?.phase).toMatchObject({
        kind: 'active',
        ownerId: 'usr_marco',
      });
      expect((await messages(e, e.marco)).filter((m) => m.direction === 'system')).toEqual([]);
    });

    it('lists every live conversation with owner, queue, waiting-for-reply and window, filterable', async () => {
      const e = await start();
      const list = async (query = '') => {
        const res = await e.sofia(`${supervisionRoutes.conversations}${query}`);
        expect(res.status).toBe(200);
        return liveConversationsResponseSchema.parse(await res.json()).conversations;
      };
      const [row] = await list();
      expect(row).toMatchObject({
        id: e.conversationId,
        phase: 'active',
        queueId: 'q_support',
        ownerId: 'usr_marco',
        ownerName: 'Marco Bianchi',
        guestName: null,
        customerName: 'Sheena Nelson',
        supervisors: [],
      });
      expect(row?.waitingForReplySince).not.toBeNull();
      expect(Date.parse(row?.windowExpiresAt ?? '')).toBeGreaterThan(Date.now() + 23 * 3600_000);
      expect(await list('?queueId=q_sales')).toEqual([]);
      expect(await list('?agentId=usr_anna')).toEqual([]);
      expect((await list('?agentId=usr_marco&phase=active')).map((c) => c.id)).toEqual([e.conversationId]);

      // Marco answers: the customer no longer waits for a reply.
      expect(
        (
          await post(e.marco, `/api/conversations/${e.conversationId}/messages`, {
            text: 'Yes, how can I help?',
            clientMessageId: 'reply-0000001',
          })
        ).status,
      ).toBe(200);
      expect((await list())[0]?.waitingForReplySince).toBeNull();
      expect(await list('?waitingForReply=true')).toEqual([]);

      // Masking on: the customer's name as agents see it (a name that is a number is masked).
      await e.server.parlo.store.transaction((tx) => tx.setSetting('masking.enabled', 'true'));
      const second = inboundTextPayload({
        wamid: 'wamid.second-customer',
        from: '393331234567',
        name: '+39 333 123 4567',
        text: 'Another customer',
      });
      expect((await postWebhook(e.server.url, JSON.stringify(second))).status).toBe(200);
      const masked = await until(
        async () => (await list()).find((c) => c.id !== e.conversationId),
        'the second conversation',
      );
      expect(masked.phase).toMatch(/queued|offered/);
      expect(masked.customerName).not.toContain('1234567');
    });

    it("a monitor sees the customer's next message live; two supervisors at once; agents told only if the setting says so", async () => {
      const e = await start();
      const sofia = await openMonitor(e, 'sofia');
      const admin = await openMonitor(e, 'admin');
      expect(lastView(sofia.frames)?.messages.map((m) => m.text)).toEqual(['Hello, are you there?']);

      e.sim.sendFromCustomer(CUSTOMER, { text: 'Is anyone reading this?' });
      await e.sim.idle();
      for (const monitor of [sofia, admin]) {
        await until(
          () =>
            lastView(monitor.frames)?.messages.some((m) => m.text === 'Is anyone reading this?')
              ? true
              : undefined,
          'the new message at the monitor',
        );
      }
      // Read-only REST view too.
      const rest = monitorResponseSchema.parse(
        await (await e.sofia(supervisionRoutes.conversation(e.conversationId))).json(),
      );
      expect(rest.view.bargedIn).toBe(false);
      expect(await audited(e, 'conversation.monitored')).toBe(true);
      // The setting is off: Marco was not told.
      expect((await eventsOf(e, 'usr_marco')).some((ev) => ev.type === 'conversation.monitoring')).toBe(
        false,
      );
    });

    it('with "show monitoring to agents" on, the agent is told who monitors and when it stops', async () => {
      const e = await start({ 'supervision.showMonitoringToAgents': 'true' });
      const sofia = await openMonitor(e, 'sofia');
      const told = await until(async () => {
        const found = (await eventsOf(e, 'usr_marco')).filter((ev) => ev.type === 'conversation.monitoring');
        return found.length > 0 ? found : undefined;
      }, 'the monitoring event');
      expect(told.at(-1)).toEqual({
        type: 'conversation.monitoring',
        conversationId: e.conversationId,
        supervisors: ['Sofia Neri'],
      });
      sofia.socket.close();
      await until(async () => {
        const last = (await eventsOf(e, 'usr_marco'))
          .filter((ev) => ev.type === 'conversation.monitoring')
          .at(-1);
        return last?.type === 'conversation.monitoring' && last.supervisors.length === 0 ? true : undefined;
      }, 'the monitoring-ended event');
    });

    it('a whisper reaches the agent as a supervisor note, the monitor sees it, the phone never does', async () => {
      const e = await start();
      const sofia = await openMonitor(e, 'sofia');
      const res = await post(e.sofia, supervisionRoutes.whisper(e.conversationId), {
        text: 'Offer the 10% discount',
        clientMessageId: 'whisper-0001',
      });
      expect(res.status).toBe(200);
      const { message } = messageResponseSchema.parse(await res.json());
      expect(message).toMatchObject({
        direction: 'system',
        authorName: 'Sofia Neri',
        content: { kind: 'internalNote', by: 'supervisor' },
      });
      // The same key again stores nothing new.
      expect(
        (
          await post(e.sofia, supervisionRoutes.whisper(e.conversationId), {
            text: 'Offer the 10% discount',
            clientMessageId: 'whisper-0001',
          })
        ).status,
      ).toBe(200);
      const pushed = (await eventsOf(e, 'usr_marco')).filter(
        (ev) => ev.type === 'message.upserted' && ev.message.text === 'Offer the 10% discount',
      );
      expect(pushed).toHaveLength(1);
      expect((await messages(e, e.marco)).filter((m) => m.content?.kind === 'internalNote')).toHaveLength(1);
      await until(
        () =>
          lastView(sofia.frames)?.messages.some((m) => m.text === 'Offer the 10% discount')
            ? true
            : undefined,
        'the whisper at the monitor',
      );
      // Never sent: Marco's next message wakes the outbox; only his reaches the customer's phone.
      expect(
        (
          await post(e.marco, `/api/conversations/${e.conversationId}/messages`, {
            text: 'Noted, thanks',
            clientMessageId: 'after-whisper-1',
          })
        ).status,
      ).toBe(200);
      await until(
        () => (e.sim.thread(CUSTOMER).some((m) => m.text === 'Noted, thanks') ? true : undefined),
        "Marco's message at the phone",
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(
        e.sim
          .thread(CUSTOMER)
          .filter((m) => m.direction === 'out')
          .map((m) => m.text),
      ).toEqual(['Noted, thanks']);
      expect(await audited(e, 'conversation.whispered')).toBe(true);
    });

    it('an agent writes an internal note in their conversation; an agent not in it is refused', async () => {
      const e = await start();
      const res = await post(e.marco, supervisionRoutes.notes(e.conversationId), {
        text: 'Customer prefers email follow-up',
        clientMessageId: 'note-00000001',
      });
      expect(res.status).toBe(200);
      expect(messageResponseSchema.parse(await res.json()).message.content).toEqual({
        kind: 'internalNote',
        by: 'agent',
      });
      const refused = await post(e.anna, supervisionRoutes.notes(e.conversationId), {
        text: 'not mine',
        clientMessageId: 'note-00000002',
      });
      expect(refused.status).toBe(403);
      expect(await errorCode(refused)).toBe('NOT_CONVERSATION_OWNER');
      // Search treats a note as a message: supervisors and its participants find it, an agent who
      // took no part never does.
      const search = async (f: Fetcher) => {
        const res = await f(`${searchRoutes.conversations}?text=${encodeURIComponent('email follow-up')}`);
        expect(res.status).toBe(200);
        return searchResponseSchema.parse(await res.json()).results.map((r) => r.conversationId);
      };
      expect(await search(e.sofia)).toEqual([e.conversationId]);
      expect(await search(e.marco)).toEqual([e.conversationId]);
      expect(await search(e.anna)).toEqual([]);
      const view = monitorResponseSchema.parse(
        await (await e.sofia(supervisionRoutes.conversation(e.conversationId))).json(),
      );
      expect(view.view.messages.map((m) => m.text)).toContain('Customer prefers email follow-up');
      await new Promise((r) => setTimeout(r, 200));
      expect(e.sim.thread(CUSTOMER).filter((m) => m.direction === 'out')).toEqual([]);
    });

    it('[issue-18] an @mention in a note tells the agent who and where, never the text; unknown names and the author are skipped', async () => {
      const e = await start();
      const anna = await openDesktop(e.server.url, 'anna');
      const marco = await openDesktop(e.server.url, 'marco');
      try {
        const res = await post(e.marco, supervisionRoutes.notes(e.conversationId), {
          text: '@anna could you check the refund? cc @nobody @marco, mail x@anna.example',
          clientMessageId: 'note-mention-1',
        });
        expect(res.status).toBe(200);
        const noteId = messageResponseSchema.parse(await res.json()).message.id;
        const mentioned = await eventually(() => anna.events.find((ev) => ev.type === 'note.mentioned'));
        expect(mentioned).toMatchObject({
          type: 'note.mentioned',
          conversationId: e.conversationId,
          messageId: noteId,
          by: 'Marco Bianchi',
        });
        expect(mentioned && 'customerName' in mentioned && mentioned.customerName).toBeTruthy();
        expect(JSON.stringify(anna.events)).not.toContain('refund');
        expect(anna.events.filter((ev) => ev.type === 'note.mentioned')).toHaveLength(1);
        await new Promise((r) => setTimeout(r, 200));
        expect(marco.events.some((ev) => ev.type === 'note.mentioned')).toBe(false);
      } finally {
        anna.close();
        marco.close();
      }
    });

    it('barge-in: the supervisor joins (a note), writes to the phone signed, takes no capacity, and leaves (a note)', async () => {
      const e = await start({ 'conference.signatures': 'true' });
      const early = await post(e.sofia, supervisionRoutes.messages(e.conversationId), {
        text: 'Too early',
        clientMessageId: 'barge-msg-00',
      });
      expect(early.status).toBe(403);
      expect(await errorCode(early)).toBe('NOT_BARGED_IN');

      expect((await post(e.sofia, supervisionRoutes.bargeIn(e.conversationId))).status).toBe(200);
      const sent = await post(e.sofia, supervisionRoutes.messages(e.conversationId), {
        text: 'I am the supervisor, happy to help',
        clientMessageId: 'barge-msg-01',
      });
      expect(sent.status).toBe(200);
      const out = await until(() => {
        const found = e.sim.thread(CUSTOMER).filter((m) => m.direction === 'out');
        return found.length > 0 ? found : undefined;
      }, 'the supervisor message at the phone');
      expect(out.map((m) => m.text)).toEqual(['*Sofia*: I am the supervisor, happy to help']);
      // Marco sees it live, with the join note before it.
      const texts = (await eventsOf(e, 'usr_marco')).flatMap((ev) =>
        ev.type === 'message.upserted' ? [ev.message.text] : [],
      );
      expect(texts).toContain('Supervisor Sofia Neri joined the chat');
      expect(texts).toContain('*Sofia*: I am the supervisor, happy to help');
      // No capacity taken: Marco's load is 1, Sofia has no routing record.
      const s = await state(e);
      expect(s.agents.usr_sofia).toBeUndefined();
      const list = liveConversationsResponseSchema.parse(
        await (await e.sofia(supervisionRoutes.conversations)).json(),
      );
      expect(list.conversations[0]?.supervisors).toEqual(['Sofia Neri']);

      expect((await post(e.sofia, supervisionRoutes.leave(e.conversationId))).status).toBe(200);
      const notes = (await messages(e, e.marco)).filter((m) => m.content?.kind === 'note').map((m) => m.text);
      expect(notes).toEqual(['Supervisor Sofia Neri joined the chat', 'Supervisor Sofia Neri left the chat']);
      const after = await post(e.sofia, supervisionRoutes.messages(e.conversationId), {
        text: 'After leaving',
        clientMessageId: 'barge-msg-02',
      });
      expect(await errorCode(after)).toBe('NOT_BARGED_IN');
      expect(await audited(e, 'conversation.bargedIn')).toBe(true);
      expect(await audited(e, 'conversation.supervisorLeft')).toBe(true);
    });

    it('reassign moves the conversation to a queue with a system note; audited; the owner wraps up', async () => {
      const e = await start();
      const res = await post(e.sofia, supervisionRoutes.reassign(e.conversationId), {
        target: { kind: 'queue', queueId: 'q_sales' },
      });
      expect(res.status).toBe(200);
      const conversation = (await state(e)).conversations[e.conversationId];
      expect(conversation).toMatchObject({ queueId: 'q_sales', phase: { kind: 'queued' } });
      expect(conversation?.departed?.map((d) => d.agentId)).toEqual(['usr_marco']);
      const texts = (await eventsOf(e, 'usr_marco')).flatMap((ev) =>
        ev.type === 'message.upserted' ? [ev.message.text] : [],
      );
      expect(texts).toContain('Supervisor Sofia Neri reassigned the conversation to the queue Sales');
      expect(await audited(e, 'conversation.reassigned')).toBe(true);
    });

    it('reassign to an agent offers it to them; a queued conversation cannot be reassigned', async () => {
      const e = await start();
      expect((await post(e.anna, '/api/agent/state', { kind: 'available' })).status).toBe(200);
      const res = await post(e.sofia, supervisionRoutes.reassign(e.conversationId), {
        target: { kind: 'agent', agentId: 'usr_anna' },
      });
      expect(res.status).toBe(200);
      const offer = await pendingOffer(e, 'usr_anna');
      expect(offer.conversationId).toBe(e.conversationId);
      const again = await post(e.sofia, supervisionRoutes.reassign(e.conversationId), {
        target: { kind: 'queue', queueId: 'q_sales' },
      });
      expect(again.status).toBe(409);
      expect(await errorCode(again)).toBe('CONVERSATION_NOT_ACTIVE');
    });

    it("force state: Idle with a code, audited; sign-out ends the agent's sessions", async () => {
      const e = await start();
      const idle = await post(e.sofia, '/api/supervisor/agents/usr_marco/state', {
        kind: 'idle',
        idleCodeId: 'idle_meeting',
      });
      expect(idle.status).toBe(200);
      expect((await state(e)).agents.usr_marco?.state).toMatchObject({
        kind: 'idle',
        idleCodeId: 'idle_meeting',
      });
      const rows = await e.server.parlo.store.transaction((tx) => tx.listAudit(50));
      expect(rows.some((r) => r.action === 'agent.stateChanged' && r.subject === 'usr_marco')).toBe(true);

      const out = await post(e.sofia, supervisionRoutes.signOutAgent('usr_marco'));
      expect(out.status).toBe(204);
      expect((await e.marco('/api/me')).status).toBe(401);
      expect(await audited(e, 'agent.signedOut')).toBe(true);
      // A supervisor cannot sign out an administrator.
      const refused = await post(e.sofia, supervisionRoutes.signOutAgent('usr_admin'));
      expect(refused.status).toBe(403);
      expect((await e.admin('/api/me')).status).toBe(200);
    });
  });
}
