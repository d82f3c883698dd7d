import {
  cadVariablesResponseSchema,
  customerViewSchema,
  errorBodySchema,
  historyListResponseSchema,
  historyRoutes,
  transcriptExportSchema,
  transcriptResponseSchema,
} from '@parlo/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freshPostgres,
  inboundTextPayload,
  pendingOfferOf as pendingOffer,
  postWebhook,
  signedIn,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';

/**
 * Issue 15 over the real server, on SQLite then PostgreSQL: who may read a customer's record,
 * history and transcripts (the authorization matrix), the audit of reading someone else's
 * transcript, CAD variables set by API and by agents, and masking of every field (S-12).
 */

const CUSTOMER = '393331234567';
const NATIONAL = '3331234567';
const EMAIL = 'mario.rossi@example.com';

type Fetcher = ReturnType<typeof signedIn> extends Promise<infer F> ? F : never;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function code(res: Response): Promise<string> {
  return errorBodySchema.parse(await res.json()).error.code;
}

async function pendingOfferOf(s: TestServer, agentId: string) {
  const offer = await pendingOffer(s, agentId);
  if (!offer) throw new Error(`no pending offer for ${agentId}`);
  return offer;
}

/** The customer writes; `agent` (the only Available one) accepts. Returns the conversation id. */
async function conversationWith(s: TestServer, agent: Fetcher, agentId: string, wamid: string, text: string) {
  expect((await agent('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(200);
  const res = await postWebhook(
    s.url,
    JSON.stringify(inboundTextPayload({ wamid, from: CUSTOMER, name: CUSTOMER, text })),
  );
  expect(res.status).toBe(200);
  const offer = await pendingOfferOf(s, agentId);
  expect((await agent(`/api/offers/${offer.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
  return offer.conversationId;
}

async function endAndWrapUp(agent: Fetcher, conversationId: string) {
  expect((await agent(`/api/conversations/${conversationId}/end`, { method: 'POST', body: {} })).status).toBe(
    200,
  );
  expect(
    (
      await agent(`/api/conversations/${conversationId}/wrap-up`, {
        method: 'POST',
        body: { reasonId: 'wr_resolved' },
      })
    ).status,
  ).toBe(200);
}

const idle = (f: Fetcher) =>
  f('/api/agent/state', { method: 'POST', body: { kind: 'idle', idleCodeId: 'idle_break' } });

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`customer record, history and CAD variables (${dialect})`, () => {
    async function start() {
      const s = await startTestServer(dialect === 'postgres' ? { DATABASE_URL: await freshPostgres() } : {});
      server = s;
      await s.parlo.store.transaction(async (tx) => {
        await tx.setSetting('masking.enabled', 'false');
        await tx.grantPermission('usr_giulia', 'history.readAll');
      });
      const [marco, anna, giulia, sofia, admin] = await Promise.all(
        ['marco', 'anna', 'giulia', 'sofia', 'admin'].map((u) => signedIn(s.url, u)),
      );
      if (!marco || !anna || !giulia || !sofia || !admin) throw new Error('sign-in failed');
      for (const f of [anna, giulia]) expect((await idle(f)).status).toBe(200);
      // Marco's conversation with the customer, ended and wrapped up.
      const first = await conversationWith(
        s,
        marco,
        'usr_marco',
        'wamid.first',
        `Hello, my email is ${EMAIL}`,
      );
      await endAndWrapUp(marco, first);
      return { s, marco, anna, giulia, sofia, admin, first };
    }

    const audits = (s: TestServer) =>
      s.parlo.store.transaction((tx) => tx.queryAudit({ actionPrefix: 'history.', limit: 50 }));

    it("[issue-15] an agent cannot read others' transcripts unless they took part, handle the customer now, or have the permission (audited)", async () => {
      const { s, marco, anna, giulia, sofia, first } = await start();
      const transcript = historyRoutes.transcript(first);
      // Marco took part: he reads it, and nothing is audited.
      const own = transcriptResponseSchema.parse(await (await marco(transcript)).json());
      expect(own.messages.map((m) => m.text)).toContain(`Hello, my email is ${EMAIL}`);
      expect(own.conversation).toMatchObject({ wrapUpReason: 'Resolved', agents: ['Marco Bianchi'] });
      expect(await audits(s)).toEqual([]);
      // Anna neither took part nor handles the customer: refused everywhere.
      const refused = await anna(transcript);
      expect(refused.status).toBe(403);
      expect(await code(refused)).toBe('NOT_CONVERSATION_OWNER');
      const customerId = own.conversation.customerId;
      expect(await code(await anna(historyRoutes.customer(customerId)))).toBe('FORBIDDEN');
      expect(await code(await anna(historyRoutes.customerConversations(customerId)))).toBe('FORBIDDEN');
      expect(await code(await anna(historyRoutes.variables(first)))).toBe('NOT_CONVERSATION_OWNER');
      // A supervisor, and an agent with history.readAll, read it: each read leaves an audit row.
      expect((await sofia(transcript)).status).toBe(200);
      expect((await giulia(transcript)).status).toBe(200);
      const rows = await audits(s);
      expect(rows.map((r) => [r.actorUserId, r.action, r.subject]).sort()).toEqual([
        ['usr_giulia', 'history.transcript.read', first],
        ['usr_sofia', 'history.transcript.read', first],
      ]);
      // The customer writes again and Anna takes it: she may now read their history (audited).
      expect((await idle(marco)).status).toBe(200);
      const second = await conversationWith(s, anna, 'usr_anna', 'wamid.second', 'Me again');
      expect(second).not.toBe(first);
      const history = historyListResponseSchema.parse(
        await (await anna(historyRoutes.customerConversations(customerId))).json(),
      );
      expect(history.entries.map((e) => e.conversationId)).toEqual([first]);
      expect(history.entries[0]?.firstLines[0]?.text).toBe(`Hello, my email is ${EMAIL}`);
      expect((await anna(transcript)).status).toBe(200);
      expect((await audits(s)).filter((r) => r.actorUserId === 'usr_anna')).toHaveLength(1);
      // Marco's recent list holds it; Anna's does not (hers is still live).
      const recent = historyListResponseSchema.parse(await (await marco(historyRoutes.recent)).json());
      expect(recent.entries.map((e) => e.conversationId)).toEqual([first]);
      expect(recent.entries[0]).toMatchObject({
        contactSource: `+${CUSTOMER}`,
        queueName: 'Customer Support',
      });
      const annas = historyListResponseSchema.parse(await (await anna(historyRoutes.recent)).json());
      expect(annas.entries).toEqual([]);
    });

    it('[issue-15] the customer record: counts, edits by the agent handling them, bad input is a 400', async () => {
      const { s, marco, anna, first } = await start();
      expect((await idle(marco)).status).toBe(200);
      const second = await conversationWith(s, anna, 'usr_anna', 'wamid.second', 'Me again');
      const customer = customerViewSchema.parse(
        await (await anna(historyRoutes.conversationCustomer(second))).json(),
      );
      expect(customer).toMatchObject({ phone: `+${CUSTOMER}`, conversationCount: 2, displayName: null });
      const patched = await anna(historyRoutes.customer(customer.id), {
        method: 'PATCH',
        body: { displayName: 'Mario Rossi', language: 'it', notes: `Prefers email ${EMAIL}` },
      });
      expect(patched.status).toBe(200);
      expect(customerViewSchema.parse(await patched.json())).toMatchObject({
        displayName: 'Mario Rossi',
        language: 'it',
      });
      const bad = await anna(historyRoutes.customer(customer.id), {
        method: 'PATCH',
        body: { language: 'not a tag!' },
      });
      expect(bad.status).toBe(400);
      expect(await code(bad)).toBe('VALIDATION_FAILED');
      // The edited name titles the history's task bricks.
      const recent = historyListResponseSchema.parse(await (await marco(historyRoutes.recent)).json());
      expect(recent.entries.find((e) => e.conversationId === first)?.title).toBe('Mario Rossi');
    });

    it('[issue-15][S-12] CAD variables: set by API, by an agent where editable; system ones and sensitive values masked', async () => {
      const { s, marco, anna, sofia, admin } = await start();
      expect((await idle(marco)).status).toBe(200);
      const second = await conversationWith(s, anna, 'usr_anna', 'wamid.second', 'Me again');
      const path = historyRoutes.variables(second);
      // A CRM (signed in as a supervisor) sets custom variables; a reserved key is refused.
      expect(
        (await sofia(path, { method: 'PUT', body: { variables: { orderId: 'A-1', contact: EMAIL } } }))
          .status,
      ).toBe(200);
      const reserved = await sofia(path, { method: 'PUT', body: { variables: { 'parlo.queue': 'x' } } });
      expect(reserved.status).toBe(400);
      expect(await code(reserved)).toBe('VALIDATION_FAILED');
      // Anna may not set orderId until the admin makes it editable.
      const before = await anna(path, { method: 'PUT', body: { variables: { orderId: 'A-2' } } });
      expect(before.status).toBe(403);
      expect(await code(before)).toBe('FORBIDDEN');
      expect(
        (
          await admin(historyRoutes.cadDefinition('orderId'), {
            method: 'PUT',
            body: { agentEditable: true },
          })
        ).status,
      ).toBe(200);
      expect((await anna(path, { method: 'PUT', body: { variables: { orderId: 'A-2' } } })).status).toBe(200);
      const clear = cadVariablesResponseSchema.parse(await (await anna(path)).json());
      const value = (key: string) => clear.variables.find((v) => v.key === key);
      expect(value('orderId')).toMatchObject({ value: 'A-2', system: false, editable: true });
      expect(value('contact')).toMatchObject({ value: EMAIL, editable: false });
      expect(value('parlo.contactSource')).toMatchObject({
        value: `+${CUSTOMER}`,
        system: true,
        editable: false,
      });
      expect(value('parlo.queue')?.value).toBe('Customer Support');
      // Masking on: nothing raw reaches the agent.
      await s.parlo.store.transaction((tx) => tx.setSetting('masking.enabled', 'true'));
      const body = await (await anna(path)).text();
      expect(body).not.toContain(NATIONAL);
      expect(body).not.toContain(EMAIL);
      const masked = cadVariablesResponseSchema.parse(JSON.parse(body));
      expect(masked.variables.find((v) => v.key === 'parlo.contactSource')?.value).toMatch(/^\*+4567$/);
      expect(masked.variables.find((v) => v.key === 'parlo.customerName')?.value).toMatch(/^\*+4567$/);
      for (const route of [
        historyRoutes.conversationCustomer(second),
        historyRoutes.recent,
        historyRoutes.transcript(second),
      ]) {
        const text = await (await anna(route)).text();
        expect(text).not.toContain(NATIONAL);
        expect(text).not.toContain(EMAIL);
      }
      const marcos = await (await marco(historyRoutes.recent)).text();
      expect(marcos).toContain('4567');
      expect(marcos).not.toContain(NATIONAL);
      expect(marcos).not.toContain(EMAIL);
    });

    it('[issue-15][S-12] a transcript export (JSON, print view) needs the right, is masked as the reader sees it, and each leaves an audit row', async () => {
      const { s, marco, sofia, first } = await start();
      await s.parlo.store.transaction((tx) => tx.setSetting('masking.enabled', 'true'));
      const exportOf = (format: 'json' | 'html') =>
        `${historyRoutes.transcriptExport(first)}?format=${format}&lang=it`;
      const exports = async () =>
        (await audits(s))
          .filter((r) => r.action === 'history.transcript.export')
          .map((r) => [r.actorUserId, r.subject, (r.detail as { format: string }).format]);
      // Marco took part but holds no export right: he reads it, may not export it, and is told so.
      const readable = transcriptResponseSchema.parse(
        await (await marco(historyRoutes.transcript(first))).json(),
      );
      expect(readable.mayExport).toBe(false);
      const refused = await marco(exportOf('json'));
      expect(refused.status).toBe(403);
      expect(await code(refused)).toBe('FORBIDDEN');
      expect(await exports()).toEqual([]);
      // Granted the right, he exports JSON: a download, masked, never cached.
      await s.parlo.store.transaction((tx) => tx.grantPermission('usr_marco', 'transcript.export'));
      expect(
        transcriptResponseSchema.parse(await (await marco(historyRoutes.transcript(first))).json()).mayExport,
      ).toBe(true);
      const json = await marco(exportOf('json'));
      expect(json.status).toBe(200);
      expect(json.headers.get('content-disposition')).toMatch(/^attachment; filename\*=UTF-8''transcript-/);
      expect(json.headers.get('cache-control')).toBe('no-store');
      const text = await json.text();
      expect(text).not.toContain(NATIONAL);
      expect(text).not.toContain(EMAIL);
      const data = transcriptExportSchema.parse(JSON.parse(text));
      expect(data).toMatchObject({ exportedBy: 'Marco Bianchi', conversation: { conversationId: first } });
      expect(data.messages.map((m) => m.direction)).toContain('inbound');
      // A supervisor who took no part prints it: a self-contained page whose CSP runs no script.
      const html = await sofia(exportOf('html'));
      expect(html.status).toBe(200);
      expect(html.headers.get('content-type')).toMatch(/^text\/html/);
      expect(html.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect(html.headers.get('content-security-policy')).not.toMatch(/script-src/);
      const page = await html.text();
      expect(page).toContain('Trascrizione');
      expect(page).toContain('Marco Bianchi');
      expect(page).not.toContain(NATIONAL);
      expect(page).not.toContain(EMAIL);
      expect(await exports()).toEqual(
        expect.arrayContaining([
          ['usr_marco', first, 'json'],
          ['usr_sofia', first, 'html'],
        ]),
      );
      expect(await exports()).toHaveLength(2);
    });

    it('[issue-15] the print view escapes what customers wrote', async () => {
      const { s, marco } = await start();
      await s.parlo.store.transaction((tx) => tx.setSetting('masking.enabled', 'false'));
      expect((await idle(marco)).status).toBe(200);
      const anna = await signedIn(s.url, 'anna');
      const second = await conversationWith(
        s,
        anna,
        'usr_anna',
        'wamid.xss',
        '<script>alert(1)</script> & "hi"',
      );
      const sofia = await signedIn(s.url, 'sofia');
      const page = await (await sofia(`${historyRoutes.transcriptExport(second)}?format=html`)).text();
      expect(page).not.toContain('<script>');
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;hi&quot;');
    });
  });
}
