import { createSimulator, type Simulator } from '@parlo/whatsapp-sim';
import {
  collaborationRoutes,
  conversationResponseSchema,
  errorBodySchema,
  messagesResponseSchema,
  targetsResponseSchema,
  type CollaborationTarget,
} from '@parlo/protocol';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot } from '../routing/index.ts';
import { DEMO_NUMBER } from '../../seed/index.ts';
import {
  freshPostgres,
  sameOrigin,
  sessionCookie,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';

/**
 * Transfer and conference over the real server (SQLite, then PostgreSQL) and the WhatsApp
 * simulator: who may call each route, what each participant's desktop shows, and what the
 * customer receives.
 */

const CUSTOMER = '16505551234';

let dialect: 'sqlite' | 'postgres' = 'sqlite';

type Fetcher = (path: string, init?: { method?: string; body?: unknown }) => Promise<Response>;

interface Env {
  server: TestServer;
  sim: Simulator;
  marco: Fetcher;
  anna: Fetcher;
  giulia: Fetcher;
  sofia: Fetcher;
  conversationId: string;
}

let current: Env | undefined;

afterEach(async () => {
  if (!current) return;
  // The simulator first: it must not deliver status webhooks to a server that is closing.
  await current.sim.stop();
  await current.server.close();
  current = undefined;
});

async function bound(server: TestServer, username: string): Promise<Fetcher> {
  const cookie = await sessionCookie(server.url, username);
  return (path, init = {}) =>
    fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        cookie,
        ...sameOrigin(server.url),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
}

/** A server and simulator; Marco owns a conversation with the customer; everyone else is Idle. */
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
    // Giulia works another queue only: the customer's conversation is in Customer Support.
    await tx.upsertAgentProfile(
      { userId: 'usr_giulia', capacity: 5, queueIds: ['q_sales'] },
      'idle_break',
      Date.now(),
    );
  });
  const e: Env = {
    server,
    sim,
    marco: await bound(server, 'marco'),
    anna: await bound(server, 'anna'),
    giulia: await bound(server, 'giulia'),
    sofia: await bound(server, 'sofia'),
    conversationId: '',
  };
  current = e;
  expect((await e.marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
    200,
  );
  sim.sendFromCustomer(CUSTOMER, { text: 'Hello, are you there?' });
  await sim.idle();
  const offer = await pendingOffer(e, 'usr_marco');
  expect((await e.marco(`/api/offers/${offer.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
  e.conversationId = offer.conversationId;
  return e;
}

async function state(e: Env) {
  return e.server.parlo.store.transaction((tx) => tx.routing.read());
}

async function pendingOffer(e: Env, agentId: string) {
  const offer = Object.values((await state(e)).offers).find(
    (o) => o.agentId === agentId && o.status.kind === 'pending',
  );
  if (!offer) throw new Error(`no pending offer for ${agentId}`);
  return offer;
}

async function snapshot(e: Env, agentId: string) {
  const snap = await e.server.parlo.store.transaction((tx) => buildSnapshot(tx, agentId));
  if (!snap) throw new Error(`no snapshot for ${agentId}`);
  return snap;
}

const available = async (f: Fetcher) =>
  expect((await f('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(200);

async function errorCode(res: Response): Promise<string> {
  return errorBodySchema.parse(await res.json()).error.code;
}

const post = (f: Fetcher, path: string, body: unknown = {}) => f(path, { method: 'POST', body });

const transfer = (e: Env, f: Fetcher, target: CollaborationTarget) =>
  post(f, collaborationRoutes.transfer(e.conversationId), { target });
const conference = (e: Env, f: Fetcher, target: CollaborationTarget) =>
  post(f, collaborationRoutes.conference(e.conversationId), { target });

async function messages(e: Env, f: Fetcher) {
  const res = await f(`/api/conversations/${e.conversationId}/messages`);
  expect(res.status).toBe(200);
  return messagesResponseSchema.parse(await res.json()).messages;
}

/** Marco asks Anna to join and she accepts. */
async function conferenceWithAnna(e: Env): Promise<void> {
  await available(e.anna);
  const asked = await conference(e, e.marco, { kind: 'agent', agentId: 'usr_anna' });
  expect(asked.status).toBe(200);
  expect(conversationResponseSchema.parse(await asked.json()).conversation.conference).toEqual({
    state: 'requested',
    targetName: 'Anna Rossi',
  });
  const offer = await pendingOffer(e, 'usr_anna');
  expect((await post(e.anna, `/api/offers/${offer.id}/accept`)).status).toBe(200);
}

async function fireTimersAfter(e: Env, ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  expect(await e.server.parlo.timers.fireDue()).toBeGreaterThan(0);
}

async function shortOfferTimeouts(e: Env): Promise<void> {
  await e.server.parlo.store.transaction(async (tx) => {
    for (const queue of await tx.listQueues()) await tx.updateQueue({ ...queue, offerTimeoutMs: 1 });
  });
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`on ${store}`, () => {
    beforeAll(() => {
      dialect = store;
    });

    describe('transfer', () => {
      it('[S-14][S-18] to a queue: it waits there with its original arrival; the owner wraps up at once', async () => {
        const e = await start();
        const before = (await state(e)).conversations[e.conversationId];
        const res = await transfer(e, e.marco, { kind: 'queue', queueId: 'q_sales' });
        expect(res.status).toBe(200);
        const view = conversationResponseSchema.parse(await res.json()).conversation;
        expect(view).toMatchObject({ phase: 'wrapUp', role: 'owner', conference: null });
        const after = (await state(e)).conversations[e.conversationId];
        expect(after).toMatchObject({
          queueId: 'q_sales',
          receivedAt: before?.receivedAt,
          phase: { kind: 'queued' },
        });
        expect((await snapshot(e, 'usr_marco')).conversations).toMatchObject([
          { id: e.conversationId, phase: 'wrapUp' },
        ]);

        // Anna (Sales) is offered it; Marco's wrap-up completes his part only.
        await available(e.anna);
        const offer = await pendingOffer(e, 'usr_anna');
        expect(offer.conversationId).toBe(e.conversationId);
        expect(
          (await post(e.marco, `/api/conversations/${e.conversationId}/wrap-up`, { reasonId: 'wr_resolved' }))
            .status,
        ).toBe(200);
        expect((await snapshot(e, 'usr_marco')).conversations).toEqual([]);
        expect((await snapshot(e, 'usr_marco')).agent.load).toBe(0);
        const wrapUps = await e.server.parlo.store.transaction((tx) =>
          tx.listParticipantWrapUps(e.conversationId),
        );
        expect(wrapUps).toMatchObject([{ agentId: 'usr_marco', role: 'owner', reasonId: 'wr_resolved' }]);
        expect((await post(e.anna, `/api/offers/${offer.id}/accept`)).status).toBe(200);
        const history = await messages(e, e.anna);
        expect(history.map((m) => m.text)).toContain(
          'Marco Bianchi transferred the conversation to the queue Sales',
        );
        expect(history.map((m) => m.content)).toContainEqual({
          kind: 'note',
          note: { kind: 'transferredToQueue', from: 'Marco Bianchi', queue: 'Sales' },
        });
      });

      it('[S-17] to an agent: the offer says transfer and from whom; after Accept the history is visible', async () => {
        const e = await start();
        await available(e.anna);
        const targets = targetsResponseSchema.parse(
          await (await e.marco(collaborationRoutes.targets(e.conversationId))).json(),
        );
        expect(targets.agents.map((a) => a.id)).toEqual(['usr_anna']); // not Marco, not Idle Giulia
        expect(targets.queues.map((q) => q.id).sort()).toEqual(['q_sales', 'q_support']);

        expect((await transfer(e, e.marco, { kind: 'agent', agentId: 'usr_anna' })).status).toBe(200);
        const offered = (await snapshot(e, 'usr_anna')).offers;
        expect(offered).toMatchObject([
          { conversationId: e.conversationId, purpose: { kind: 'transfer', fromAgentName: 'Marco Bianchi' } },
        ]);
        const accepted = await post(e.anna, `/api/offers/${offered[0]!.id}/accept`);
        expect(conversationResponseSchema.parse(await accepted.json()).conversation).toMatchObject({
          role: 'owner',
          phase: 'active',
        });
        expect((await messages(e, e.anna)).map((m) => m.text)).toEqual(
          expect.arrayContaining([
            'Hello, are you there?',
            'Marco Bianchi transferred the conversation to Anna Rossi',
          ]),
        );
      });

      it('[S-17] a lapsed transfer (returnToQueue): the target is in RONA, the customer waits at the head of the queue', async () => {
        const e = await start();
        await shortOfferTimeouts(e);
        await available(e.anna);
        expect((await transfer(e, e.marco, { kind: 'agent', agentId: 'usr_anna' })).status).toBe(200);
        await fireTimersAfter(e, 10);
        const s = await state(e);
        expect(s.agents.usr_anna?.state.kind).toBe('rona');
        expect(s.conversations[e.conversationId]).toMatchObject({
          queueId: 'q_support',
          atHead: true,
          phase: { kind: 'queued' },
        });
        // Marco still owes his wrap-up; he is not offered the conversation he left.
        expect((await snapshot(e, 'usr_marco')).conversations).toMatchObject([{ phase: 'wrapUp' }]);
        expect(Object.values(s.offers).filter((o) => o.status.kind === 'pending')).toEqual([]);
      });

      it('[S-17] a lapsed transfer (endConversation policy) ends the conversation; the transferrer still wraps up', async () => {
        const e = await start({ 'transfer.notAcceptedPolicy': 'endConversation' });
        await shortOfferTimeouts(e);
        await available(e.anna);
        expect((await transfer(e, e.marco, { kind: 'agent', agentId: 'usr_anna' })).status).toBe(200);
        await fireTimersAfter(e, 10);
        const s = await state(e);
        expect(s.conversations[e.conversationId]?.phase).toMatchObject({ kind: 'closed', ownerId: null });
        expect((await snapshot(e, 'usr_marco')).conversations).toMatchObject([{ phase: 'wrapUp' }]);
        expect(
          (await post(e.marco, `/api/conversations/${e.conversationId}/wrap-up`, { reasonId: 'wr_info' }))
            .status,
        ).toBe(200);
        expect((await state(e)).conversations[e.conversationId]).toBeUndefined(); // closed and nobody owes anything
      });

      it('[S-15] to an agent who is Idle, or to an unknown queue: 409 and the conversation stays with the owner', async () => {
        const e = await start();
        for (const target of [
          { kind: 'agent', agentId: 'usr_giulia' },
          { kind: 'agent', agentId: 'usr_nobody' },
          { kind: 'queue', queueId: 'q_nope' },
        ] as const) {
          const res = await transfer(e, e.marco, target);
          expect(res.status).toBe(409);
          expect(await errorCode(res)).toBe('TRANSFER_TARGET_UNAVAILABLE');
        }
        expect((await state(e)).conversations[e.conversationId]?.phase).toMatchObject({
          kind: 'active',
          ownerId: 'usr_marco',
        });
        const bad = await post(e.marco, collaborationRoutes.transfer(e.conversationId), {
          target: { kind: 'team' },
        });
        expect(bad.status).toBe(400);
      });

      it('a double-clicked transfer transfers once; the second click gets a 4xx', async () => {
        const e = await start();
        const [a, b] = await Promise.all([
          transfer(e, e.marco, { kind: 'queue', queueId: 'q_sales' }),
          transfer(e, e.marco, { kind: 'queue', queueId: 'q_sales' }),
        ]);
        expect([a.status, b.status].sort()).toEqual([200, 403]);
        const notes = (await messages(e, e.marco)).filter((m) => m.text.includes('transferred'));
        expect(notes).toHaveLength(1);
      });
    });

    describe('conference', () => {
      it('[S-19][S-20] accepted: both see "<agent> joined the chat", both write, the customer receives both (signed)', async () => {
        const e = await start({ 'conference.signatures': 'true' });
        await conferenceWithAnna(e);
        const marcoView = (await snapshot(e, 'usr_marco')).conversations[0];
        const annaView = (await snapshot(e, 'usr_anna')).conversations[0];
        expect(marcoView).toMatchObject({
          role: 'owner',
          conference: { state: 'joined', otherAgentName: 'Anna Rossi' },
        });
        expect(annaView).toMatchObject({
          role: 'guest',
          phase: 'active',
          conference: { state: 'joined', otherAgentName: 'Marco Bianchi' },
        });
        for (const f of [e.marco, e.anna]) {
          const history = await messages(e, f);
          expect(history.map((m) => m.text)).toEqual(
            expect.arrayContaining(['Hello, are you there?', 'Anna Rossi joined the chat']),
          );
          // Structured too, so each desktop words it in its own language.
          expect(history.find((m) => m.text === 'Anna Rossi joined the chat')).toMatchObject({
            direction: 'system',
            content: { kind: 'note', note: { kind: 'agentJoined', agent: 'Anna Rossi' } },
          });
        }
        for (const [f, text] of [
          [e.marco, 'Let me bring in a colleague'],
          [e.anna, 'Hi, I can help with that'],
        ] as const) {
          const sent = await post(f, `/api/conversations/${e.conversationId}/messages`, {
            text,
            clientMessageId: `client-${text.length}`,
          });
          expect(sent.status).toBe(200);
        }
        const thread = await until(() => {
          const out = e.sim.thread(CUSTOMER).filter((m) => m.direction === 'out');
          return out.length >= 2 ? out : undefined;
        }, 'both messages at the customer');
        expect(thread.map((m) => m.text)).toEqual([
          '*Marco*: Let me bring in a colleague',
          '*Anna*: Hi, I can help with that',
        ]);
        expect((await snapshot(e, 'usr_anna')).agent.load).toBe(1);

        // The customer writes again: the guest's desktop gets it live, as the owner's does.
        e.sim.sendFromCustomer(CUSTOMER, { text: 'Thanks, both of you' });
        await e.sim.idle();
        for (const agentId of ['usr_marco', 'usr_anna']) {
          const events = await e.server.parlo.store.transaction((tx) =>
            tx.agentEventsAfter(agentId, 0, 1000),
          );
          expect(JSON.stringify(events.map((row) => row.event))).toContain('Thanks, both of you');
        }
      });

      it('[S-19] a conference request that lapses: the asked agent is in RONA, the owner is told, the conversation goes on', async () => {
        const e = await start();
        await shortOfferTimeouts(e);
        await available(e.anna);
        expect((await conference(e, e.marco, { kind: 'queue', queueId: 'q_support' })).status).toBe(200);
        expect((await pendingOffer(e, 'usr_anna')).purpose).toEqual({
          kind: 'conference',
          fromAgentId: 'usr_marco',
        });
        expect((await snapshot(e, 'usr_anna')).offers[0]?.purpose).toEqual({
          kind: 'conference',
          fromAgentName: 'Marco Bianchi',
        });
        await fireTimersAfter(e, 10);
        expect((await state(e)).agents.usr_anna?.state.kind).toBe('rona');
        expect((await snapshot(e, 'usr_marco')).conversations[0]).toMatchObject({
          phase: 'active',
          conference: null,
        });
        expect((await messages(e, e.marco)).map((m) => m.text)).toContain(
          'Anna Rossi did not answer the conference request',
        );
      });

      it('[S-21][S-23] End conference: the guest leaves and wraps up; the owner goes on', async () => {
        const e = await start();
        await conferenceWithAnna(e);
        const ended = await post(e.marco, collaborationRoutes.endConference(e.conversationId));
        expect(conversationResponseSchema.parse(await ended.json()).conversation).toMatchObject({
          phase: 'active',
          conference: null,
        });
        expect((await snapshot(e, 'usr_anna')).conversations).toMatchObject([
          { phase: 'wrapUp', role: 'guest' },
        ]);
        // The guest reads but no longer writes.
        const write = await post(e.anna, `/api/conversations/${e.conversationId}/messages`, {
          text: 'x',
          clientMessageId: 'guest-0001',
        });
        expect(await errorCode(write)).toBe('CONVERSATION_NOT_ACTIVE');
        expect(
          (await post(e.anna, `/api/conversations/${e.conversationId}/wrap-up`, { reasonId: 'wr_info' }))
            .status,
        ).toBe(200);
        expect((await snapshot(e, 'usr_anna')).conversations).toEqual([]);
        expect((await snapshot(e, 'usr_marco')).conversations[0]).toMatchObject({ phase: 'active' });
        const again = await post(e.marco, collaborationRoutes.endConference(e.conversationId));
        expect(await errorCode(again)).toBe('NO_CONFERENCE');
      });

      it('[S-22][S-23] Exit conference: the guest wraps up; the owner and the customer go on', async () => {
        const e = await start();
        await conferenceWithAnna(e);
        const exited = await post(e.anna, collaborationRoutes.exitConference(e.conversationId));
        expect(conversationResponseSchema.parse(await exited.json()).conversation).toMatchObject({
          phase: 'wrapUp',
          role: 'guest',
        });
        expect((await messages(e, e.marco)).map((m) => m.text)).toContain('Anna Rossi left the chat');
        expect((await snapshot(e, 'usr_marco')).conversations[0]).toMatchObject({
          phase: 'active',
          conference: null,
        });
      });

      it('[S-23] the owner ends the conversation during a conference: both wrap up', async () => {
        const e = await start();
        await conferenceWithAnna(e);
        expect((await post(e.marco, `/api/conversations/${e.conversationId}/end`)).status).toBe(200);
        expect((await snapshot(e, 'usr_marco')).conversations).toMatchObject([
          { phase: 'wrapUp', role: 'owner' },
        ]);
        expect((await snapshot(e, 'usr_anna')).conversations).toMatchObject([
          { phase: 'wrapUp', role: 'guest' },
        ]);
        for (const f of [e.marco, e.anna])
          expect(
            (await post(f, `/api/conversations/${e.conversationId}/wrap-up`, { reasonId: 'wr_resolved' }))
              .status,
          ).toBe(200);
        expect((await state(e)).conversations[e.conversationId]).toBeUndefined();
      });
    });

    describe('who may do what', () => {
      it('[S-21][S-22] every route refuses a non-participant, the guest where only the owner may, and an agent of another queue', async () => {
        const e = await start();
        await conferenceWithAnna(e);
        const id = e.conversationId;
        const ownerOnly = [
          () => collaborationRoutes.transfer(id),
          () => collaborationRoutes.conference(id),
          () => collaborationRoutes.endConference(id),
        ];
        const bodies: Record<string, unknown> = {
          [collaborationRoutes.transfer(id)]: { target: { kind: 'queue', queueId: 'q_sales' } },
          [collaborationRoutes.conference(id)]: { target: { kind: 'queue', queueId: 'q_sales' } },
        };
        // Anna is the guest, Giulia works another queue, Sofia is a supervisor with no part in it.
        for (const who of [e.anna, e.giulia, e.sofia]) {
          for (const route of ownerOnly) {
            const res = await post(who, route(), bodies[route()] ?? {});
            expect(res.status).toBe(403);
            expect(await errorCode(res)).toBe('NOT_CONVERSATION_OWNER');
          }
          const targets = await who(collaborationRoutes.targets(id));
          expect(await errorCode(targets)).toBe('NOT_CONVERSATION_OWNER');
          const end = await post(who, `/api/conversations/${id}/end`);
          expect(await errorCode(end)).toBe('NOT_CONVERSATION_OWNER');
        }
        for (const who of [e.marco, e.giulia, e.sofia]) {
          const res = await post(who, collaborationRoutes.exitConference(id));
          expect(res.status).toBe(403);
          expect(await errorCode(res)).toBe('NOT_CONFERENCE_GUEST');
        }
        for (const who of [e.giulia, e.sofia]) {
          expect(await errorCode(await who(`/api/conversations/${id}/messages`))).toBe(
            'NOT_CONVERSATION_OWNER',
          );
          const write = await post(who, `/api/conversations/${id}/messages`, {
            text: 'hi',
            clientMessageId: 'stranger-01',
          });
          expect(await errorCode(write)).toBe('NOT_CONVERSATION_OWNER');
        }
        // Nothing changed: Marco owns it, Anna is still the guest.
        expect((await state(e)).conversations[id]?.phase).toMatchObject({
          kind: 'active',
          ownerId: 'usr_marco',
          guest: { kind: 'joined', agentId: 'usr_anna' },
        });
        const twice = await conference(e, e.marco, { kind: 'agent', agentId: 'usr_giulia' });
        expect(await errorCode(twice)).toBe('CONFERENCE_ALREADY_OPEN');
      });
    });
  });
}
