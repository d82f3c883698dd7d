import {
  cannedResponseViewSchema,
  cannedResponsesResponseSchema,
  cannedRoutes,
  errorBodySchema,
  historyRoutes,
  renderedCannedResponseSchema,
} from '@parlo/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freshPostgres,
  inboundTextPayload,
  pendingOfferOf,
  postWebhook,
  signedIn,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';

/**
 * Issue 18's canned responses over the real server, on SQLite then PostgreSQL: who keeps which
 * (a queue's: supervisors and administrators; one's own: anyone), who sees which, shortcuts unique
 * where they are used, every change audited, and a response filled for a conversation from the
 * customer, the agent and its CAD variables, masked as every view (S-12).
 */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Fetcher = ReturnType<typeof signedIn> extends Promise<infer F> ? F : never;

async function code(res: Response): Promise<string> {
  return errorBodySchema.parse(await res.json()).error.code;
}

async function shortcuts(f: Fetcher, query = ''): Promise<string[]> {
  const res = await f(`${cannedRoutes.list}${query}`);
  expect(res.status).toBe(200);
  return cannedResponsesResponseSchema.parse(await res.json()).responses.map((r) => r.shortcut);
}

const create = (f: Fetcher, body: Record<string, unknown>) =>
  f(cannedRoutes.list, { method: 'POST', body: { language: null, ...body } });

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`canned responses (${dialect})`, () => {
    async function start() {
      const s = await startTestServer(dialect === 'postgres' ? { DATABASE_URL: await freshPostgres() } : {});
      server = s;
      await s.parlo.store.transaction(async (tx) => {
        await tx.setSetting('masking.enabled', 'false');
        // Marco works Sales only: Support's responses are not his.
        await tx.upsertAgentProfile({ userId: 'usr_marco', capacity: 5, queueIds: ['q_sales'] }, '', 0);
      });
      const [anna, marco, sofia] = await Promise.all(
        ['anna', 'marco', 'sofia'].map((u) => signedIn(s.url, u)),
      );
      if (!anna || !marco || !sofia) throw new Error('sign-in failed');
      return { s, anna, marco, sofia };
    }

    it("[issue-18] a queue's responses are kept by supervisors, used by its agents; one's own by oneself; audited", async () => {
      const { s, anna, marco, sofia } = await start();
      const greet = await create(sofia, {
        queueId: 'q_support',
        shortcut: 'greet',
        title: 'Greeting',
        body: 'Ciao {{customer.first_name}}, sono {{agent.first_name}}.',
      });
      expect(greet.status).toBe(201);
      // An agent may not write a queue's response, nor take a shortcut twice in one place.
      const refused = await create(anna, { queueId: 'q_support', shortcut: 'x', title: 'X', body: 'x' });
      expect(refused.status).toBe(403);
      expect(await code(refused)).toBe('FORBIDDEN');
      const twice = await create(sofia, {
        queueId: 'q_support',
        shortcut: 'GREET',
        title: 'Again',
        body: 'x',
      });
      expect(twice.status).toBe(409);
      expect(await code(twice)).toBe('ALREADY_EXISTS');
      const badQueue = await create(sofia, { queueId: 'q_nowhere', shortcut: 'y', title: 'Y', body: 'y' });
      expect(await code(badQueue)).toBe('UNKNOWN_REFERENCE');
      // Anna's own, same shortcut as the queue's: hers is another place.
      expect(
        (await create(anna, { queueId: null, shortcut: 'bye', title: 'Bye', body: 'Bye!' })).status,
      ).toBe(201);
      expect(await shortcuts(anna)).toEqual(['bye', 'greet']);
      expect(await shortcuts(marco)).toEqual([]);
      expect(await shortcuts(sofia, '?all=true')).toEqual(['bye', 'greet']);
      const forbidden = await anna(`${cannedRoutes.list}?all=true`);
      expect(await code(forbidden)).toBe('FORBIDDEN');
      // Anna changes her own, not the queue's; Marco does not even find Anna's.
      const listed = cannedResponsesResponseSchema.parse(
        await (await anna(cannedRoutes.list)).json(),
      ).responses;
      const own = listed.find((r) => r.shortcut === 'bye');
      const queues = listed.find((r) => r.shortcut === 'greet');
      if (!own || !queues) throw new Error('missing responses');
      expect(own).toMatchObject({ personal: true, editable: true });
      expect(queues).toMatchObject({ personal: false, editable: false, queueId: 'q_support' });
      expect(
        (await anna(cannedRoutes.one(own.id), { method: 'PATCH', body: { body: 'Bye now!' } })).status,
      ).toBe(200);
      expect(
        await code(await anna(cannedRoutes.one(queues.id), { method: 'PATCH', body: { title: 'Z' } })),
      ).toBe('FORBIDDEN');
      expect(await code(await marco(cannedRoutes.one(own.id), { method: 'DELETE' }))).toBe('NOT_FOUND');
      expect((await anna(cannedRoutes.one(own.id), { method: 'DELETE' })).status).toBe(200);
      const audit = await s.parlo.store.transaction((tx) =>
        tx.queryAudit({ actionPrefix: 'canned.', limit: 20 }),
      );
      expect(audit.map((r) => [r.action, r.actorUserId]).reverse()).toEqual([
        ['canned.create', 'usr_sofia'],
        ['canned.create', 'usr_anna'],
        ['canned.update', 'usr_anna'],
        ['canned.delete', 'usr_anna'],
      ]);
    });

    it('[issue-18][S-12] a response is filled for a conversation from the customer, the agent and CAD variables, masked', async () => {
      const { s, anna, marco, sofia } = await start();
      const created = await create(sofia, {
        queueId: 'q_support',
        shortcut: 'order',
        title: 'Order',
        body: 'Ciao {{customer.first_name}}, sono {{ agent.first_name }}: ordine {{orderId}}, {{tracking}}.',
      });
      const id = cannedResponseViewSchema.parse(
        ((await created.json()) as { response: unknown }).response,
      ).id;
      for (const f of [marco, sofia])
        expect(
          (await f('/api/agent/state', { method: 'POST', body: { kind: 'idle', idleCodeId: 'idle_break' } }))
            .status,
        ).toBeLessThan(500);
      expect((await anna('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
        200,
      );
      const res = await postWebhook(
        s.url,
        JSON.stringify(
          inboundTextPayload({
            wamid: 'wamid.canned',
            from: '393471234567',
            name: 'Mario Rossi',
            text: 'Hello',
          }),
        ),
      );
      expect(res.status).toBe(200);
      const offer = await pendingOfferOf(s, 'usr_anna');
      if (!offer) throw new Error('no offer');
      expect((await anna(`/api/offers/${offer.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
      const conversationId = offer.conversationId;
      expect(
        (
          await sofia(historyRoutes.variables(conversationId), {
            method: 'PUT',
            body: { variables: { orderId: 'A-1' } },
          })
        ).status,
      ).toBe(200);
      const render = () => anna(cannedRoutes.render(conversationId, id), { method: 'POST', body: {} });
      expect(renderedCannedResponseSchema.parse(await (await render()).json())).toEqual({
        text: 'Ciao Mario, sono Anna: ordine A-1, .',
        missing: ['tracking'],
      });
      // Masking on: a customer whose name is their number is shown masked here too.
      await s.parlo.store.transaction(async (tx) => {
        await tx.setSetting('masking.enabled', 'true');
        const [details] = await tx.getConversationDetails([conversationId]);
        await tx.updateCustomerProfile(details?.customerId ?? '', { displayName: '+39 347 123 4567' }, 1);
      });
      const masked = renderedCannedResponseSchema.parse(await (await render()).json());
      expect(masked.text).not.toContain('347 123');
      expect(masked.text).toMatch(/^Ciao \S*\*/);
      // Marco handles nothing of this customer: no filling for him.
      expect(
        await code(await marco(cannedRoutes.render(conversationId, id), { method: 'POST', body: {} })),
      ).toBe('NOT_CONVERSATION_OWNER');
    });
  });
}
