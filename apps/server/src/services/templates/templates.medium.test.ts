import { randomUUID } from 'node:crypto';
import { messageResponseSchema, templatesResponseSchema, templateSyncResponseSchema } from '@parlo/protocol';
import { describe, expect, it } from 'vitest';
import { DEMO_NUMBER } from '../../seed/index.ts';
import {
  CUSTOMER,
  DAY_MS,
  freshPostgres,
  type GraphEnv,
  messagesOf,
  openConversation,
  sameOrigin,
  sends,
  sessionCookie,
  until,
  useGraphEnv,
} from '../../testing/index.ts';

/** Issue 4: templates, the way to write to a customer outside the 24-hour window. */

function sendTemplate(e: GraphEnv, values: Record<string, string>, clientMessageId = `cm-${randomUUID()}`) {
  return e.marco(`/api/conversations/${e.conversationId}/templates/send`, {
    method: 'POST',
    body: { clientMessageId, name: 'order_update', language: 'en', values },
  });
}

const ORDER_VALUES = { 'body:1': 'Sheena', 'body:2': 'A-17', 'body:3': 'shipped' };

for (const [label, pg] of [
  ['SQLite', false],
  ['PostgreSQL', true],
] as const) {
  describe(`[issue-4] templates outside the 24-hour window (${label})`, () => {
    const e = useGraphEnv(
      async (env) => {
        // The customer's last message is 25 hours old: the window is closed, for Parlo and WhatsApp.
        await openConversation(env, -(DAY_MS + 3600_000));
        env.server.parlo.outbox.kick();
      },
      { databaseUrl: async () => (pg ? await freshPostgres() : undefined) },
    );

    it('[issue-4] the approved templates are synced from the WABA and listed with their parameters', async () => {
      const results = await e().server.parlo.templates.syncAll();
      expect(results.map((r) => ({ templates: r.templates, error: r.error }))).toEqual([
        { templates: 4, error: null },
      ]);
      expect(e().calls.some((c) => c.path === `/v25.0/${DEMO_NUMBER.wabaId}/message_templates`)).toBe(true);
      const res = await e().marco(`/api/conversations/${e().conversationId}/templates`);
      expect(res.status).toBe(200);
      const { templates, syncedAt } = templatesResponseSchema.parse(await res.json());
      expect(syncedAt).not.toBeNull();
      expect(templates.map((t) => `${t.name}/${t.language}`).sort()).toEqual([
        'follow_up/en',
        'hello_world/en_US',
        'order_update/en',
        'seguimiento/es',
      ]);
      const order = templates.find((t) => t.name === 'order_update');
      expect(order?.parameters.map((p) => p.id)).toEqual(['body:1', 'body:2', 'body:3']);
    });

    it('[issue-4] an administrator syncs on demand; an agent may not', async () => {
      const before = e().calls.filter((c) => c.path.endsWith('/message_templates')).length;
      const res = await e().admin('/api/admin/templates/sync', { method: 'POST' });
      expect(res.status).toBe(200);
      expect(templateSyncResponseSchema.parse(await res.json()).numbers).toEqual([
        { businessNumberId: expect.any(String) as unknown, templates: 4, error: null },
      ]);
      expect(e().calls.filter((c) => c.path.endsWith('/message_templates')).length).toBe(before + 1);
      expect((await e().marco('/api/admin/templates/sync', { method: 'POST' })).status).toBe(403);
    });

    it('[issue-4] a failed sync keeps the templates of the last good one', async () => {
      e().templatesDown = true;
      try {
        const [result] = await e().server.parlo.templates.syncAll();
        expect(result).toMatchObject({ templates: 0, error: 'Graph API answered HTTP 503' });
        const res = await e().marco(`/api/conversations/${e().conversationId}/templates`);
        expect(templatesResponseSchema.parse(await res.json()).templates).toHaveLength(4);
      } finally {
        e().templatesDown = false;
      }
    });

    it('[issue-4] an agent who is not in the conversation cannot list its templates', async () => {
      const cookie = await sessionCookie(e().server.url, 'anna');
      const res = await fetch(`${e().server.url}/api/conversations/${e().conversationId}/templates`, {
        headers: { cookie },
      });
      expect(res.status).toBe(403);
    });

    it('[issue-4] free text outside the window -> 409 OUTSIDE_SERVICE_WINDOW and nothing is sent', async () => {
      const before = sends(e()).length;
      const res = await e().marco(`/api/conversations/${e().conversationId}/messages`, {
        method: 'POST',
        body: { text: 'Are you still there?', clientMessageId: 'cm-outside-1' },
      });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('OUTSIDE_SERVICE_WINDOW');
      e().server.parlo.outbox.kick();
      await new Promise((r) => setTimeout(r, 300));
      expect(sends(e()).length).toBe(before);
      expect((await messagesOf(e())).some((m) => m.text === 'Are you still there?')).toBe(false);
    });

    it('[issue-4] a template with a parameter left empty is refused, naming the field; nothing is sent', async () => {
      const before = sends(e()).length;
      const res = await sendTemplate(e(), { 'body:1': 'Sheena', 'body:2': ' ' });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; fields: Record<string, string> } };
      expect(body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        fields: { 'body:2': 'required', 'body:3': 'required' },
      });
      const unknown = await e().marco(`/api/conversations/${e().conversationId}/templates/send`, {
        method: 'POST',
        body: { clientMessageId: 'cm-unknown-1', name: 'no_such', language: 'en', values: {} },
      });
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_TEMPLATE');
      await new Promise((r) => setTimeout(r, 200));
      expect(sends(e()).length).toBe(before);
    });

    it('[issue-4] a template sent outside the window reaches WhatsApp with its components; the bubble shows its text', async () => {
      const clientMessageId = `cm-${randomUUID()}`;
      const res = await sendTemplate(e(), ORDER_VALUES, clientMessageId);
      expect(res.status).toBe(200);
      const { message } = messageResponseSchema.parse(await res.json());
      expect(message.text).toBe('Hi Sheena, your order A-17 is shipped.');
      expect(message.status).toBe('pending');
      // A retried request (same key) sends once.
      expect((await sendTemplate(e(), ORDER_VALUES, clientMessageId)).status).toBe(200);
      const shown = await until(async () => {
        const m = (await messagesOf(e())).find((x) => x.id === message.id);
        return m && (m.status === 'delivered' || m.status === 'failed') ? m : undefined;
      }, 'the template to be delivered');
      expect(shown).toMatchObject({
        status: 'delivered',
        failureReason: null,
        text: 'Hi Sheena, your order A-17 is shipped.',
      });
      const templateSends = sends(e()).filter((c) => c.body?.type === 'template');
      expect(templateSends).toHaveLength(1);
      expect(templateSends[0]?.body).toMatchObject({
        messaging_product: 'whatsapp',
        to: `+${CUSTOMER}`,
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'en' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Sheena' },
                { type: 'text', text: 'A-17' },
                { type: 'text', text: 'shipped' },
              ],
            },
          ],
        },
      });
      // The customer's phone shows the rendered template.
      expect(
        e()
          .sim.thread(CUSTOMER)
          .some((m) => m.direction === 'out' && m.text.includes('your order A-17 is shipped')),
      ).toBe(true);
    });

    it('[S-20][issue-4] the joined conference guest may send a template too; an agent outside it may not', async () => {
      const anna = await sessionCookie(e().server.url, 'anna');
      const as = (cookie: string, path: string, body?: unknown) =>
        fetch(`${e().server.url}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: {
            cookie,
            ...sameOrigin(e().server.url),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      expect((await as(anna, '/api/agent/state', { kind: 'available' })).status).toBe(200);
      const asked = await e().marco(`/api/conversations/${e().conversationId}/conference`, {
        method: 'POST',
        body: { target: { kind: 'agent', agentId: 'usr_anna' } },
      });
      expect(asked.status).toBe(200);
      const offer = await e().server.parlo.store.transaction(async (tx) =>
        Object.values((await tx.routing.read()).offers).find(
          (o) => o.agentId === 'usr_anna' && o.status.kind === 'pending',
        ),
      );
      if (!offer) throw new Error('no conference offer for anna');
      expect((await as(anna, `/api/offers/${offer.id}/accept`, {})).status).toBe(200);
      const body = {
        clientMessageId: `cm-${randomUUID()}`,
        name: 'follow_up',
        language: 'en',
        values: { 'body:1': 'Sheena' },
      };
      const sent = await as(anna, `/api/conversations/${e().conversationId}/templates/send`, body);
      expect(sent.status).toBe(200);
      expect(messageResponseSchema.parse(await sent.json()).message).toMatchObject({
        authorName: 'Anna Rossi',
        text: 'Hi Sheena, we are following up on your conversation with us. Reply to this message to continue.',
      });
      const giulia = await sessionCookie(e().server.url, 'giulia');
      const refused = await as(giulia, `/api/conversations/${e().conversationId}/templates/send`, {
        ...body,
        clientMessageId: `cm-${randomUUID()}`,
      });
      expect(refused.status).toBe(403);
      await until(
        () =>
          Promise.resolve(
            e()
              .sim.thread(CUSTOMER)
              .some((m) => m.direction === 'out' && m.text.includes('we are following up'))
              ? true
              : undefined,
          ),
        "the guest's template on the phone",
      );
    });
  });
}
