import {
  assignedLabelsResponseSchema,
  conversationLabelsSchema,
  errorBodySchema,
  historyRoutes,
  labelReportResponseSchema,
  labelResponseSchema,
  labelRoutes,
  labelsResponseSchema,
  searchResponseSchema,
  searchRoutes,
  transcriptResponseSchema,
  type AgentEvent,
} from '@parlo/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  eventually,
  freshPostgres,
  inboundTextPayload,
  openDesktop,
  pendingOfferOf,
  postWebhook,
  signedIn,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';

/**
 * Issue 18's labels over the real server, on SQLite then PostgreSQL: administrators keep them
 * (names unique ignoring case, audited); who works a conversation (owner, guest), supervisors and
 * administrators set them, pushed live to its participants; others get 403 (404 for what does not
 * exist); the search filters by label; the labels report counts conversations by arrival day.
 */

let server: TestServer | undefined;
const sockets: { close: () => void }[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server?.close();
  server = undefined;
});

type Fetcher = ReturnType<typeof signedIn> extends Promise<infer F> ? F : never;

async function code(res: Response): Promise<string> {
  return errorBodySchema.parse(await res.json()).error.code;
}

const createLabel = (f: Fetcher, body: Record<string, unknown>) =>
  f(labelRoutes.admin, { method: 'POST', body });

async function newLabel(f: Fetcher, name: string, color = 'blue'): Promise<string> {
  const res = await createLabel(f, { name, color });
  expect(res.status).toBe(201);
  return labelResponseSchema.parse(await res.json()).label.id;
}

const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`labels (${dialect})`, () => {
    async function start() {
      const s = await startTestServer(dialect === 'postgres' ? { DATABASE_URL: await freshPostgres() } : {});
      server = s;
      await s.parlo.store.transaction((tx) => tx.setSetting('masking.enabled', 'false'));
      const [admin, sofia, anna, marco, giulia] = await Promise.all(
        ['admin', 'sofia', 'anna', 'marco', 'giulia'].map((u) => signedIn(s.url, u)),
      );
      if (!admin || !sofia || !anna || !marco || !giulia) throw new Error('sign-in failed');
      return { s, admin, sofia, anna, marco, giulia };
    }

    /** A customer writes; Anna (the only one available) accepts. */
    async function annasConversation(s: TestServer, anna: Fetcher, others: Fetcher[], wamid: string) {
      for (const f of others)
        await f('/api/agent/state', { method: 'POST', body: { kind: 'idle', idleCodeId: 'idle_break' } });
      expect((await anna('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
        200,
      );
      const res = await postWebhook(
        s.url,
        JSON.stringify(
          inboundTextPayload({ wamid, from: '393471234567', name: 'Mario Rossi', text: 'refund please' }),
        ),
      );
      expect(res.status).toBe(200);
      const offer = await eventually(() => pendingOfferOf(s, 'usr_anna'));
      if (!offer) throw new Error('no offer');
      expect((await anna(`/api/offers/${offer.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
      return offer.conversationId;
    }

    it('[issue-18] administrators keep labels: names unique ignoring case, palette colors, audited; others refused', async () => {
      const { s, admin, sofia, anna } = await start();
      const created = await createLabel(admin, { name: ' Refund ', color: 'red', description: 'Money back' });
      expect(created.status).toBe(201);
      const refund = labelResponseSchema.parse(await created.json()).label;
      expect(refund).toMatchObject({ name: 'Refund', color: 'red', description: 'Money back' });
      // Case-insensitive uniqueness; palette only; 1-40 characters.
      expect(await code(await createLabel(admin, { name: 'REFUND', color: 'blue' }))).toBe('ALREADY_EXISTS');
      expect(await code(await createLabel(admin, { name: 'x', color: '#ff0000' }))).toBe('VALIDATION_FAILED');
      expect(await code(await createLabel(admin, { name: 'x'.repeat(41), color: 'blue' }))).toBe(
        'VALIDATION_FAILED',
      );
      expect(await code(await createLabel(admin, { name: '  ', color: 'blue' }))).toBe('VALIDATION_FAILED');
      // Only administrators define labels; everyone reads them.
      for (const f of [sofia, anna]) {
        const refused = await createLabel(f, { name: 'Mine', color: 'blue' });
        expect(refused.status).toBe(403);
        expect((await f(labelRoutes.adminOne(refund.id), { method: 'DELETE' })).status).toBe(403);
      }
      const vip = await newLabel(admin, 'vip', 'purple');
      const list = labelsResponseSchema.parse(await (await anna(labelRoutes.list)).json()).labels;
      expect(list.map((l) => l.name)).toEqual(['Refund', 'vip']);
      // Renaming to another label's name (any case) is refused; to its own in another case is fine.
      expect(
        await code(await admin(labelRoutes.adminOne(vip), { method: 'PATCH', body: { name: 'refund' } })),
      ).toBe('ALREADY_EXISTS');
      const renamed = await admin(labelRoutes.adminOne(vip), {
        method: 'PATCH',
        body: { name: 'VIP', color: 'teal' },
      });
      expect(labelResponseSchema.parse(await renamed.json()).label).toMatchObject({
        name: 'VIP',
        color: 'teal',
      });
      expect(await code(await admin(labelRoutes.adminOne('lbl_nowhere'), { method: 'DELETE' }))).toBe(
        'NOT_FOUND',
      );
      expect((await admin(labelRoutes.adminOne(vip), { method: 'DELETE' })).status).toBe(200);
      const audit = await s.parlo.store.transaction((tx) =>
        tx.queryAudit({ actionPrefix: 'label.', limit: 20 }),
      );
      expect(audit.map((r) => [r.action, r.actorUserId, r.subject]).reverse()).toEqual([
        ['label.create', 'usr_admin', refund.id],
        ['label.create', 'usr_admin', vip],
        ['label.update', 'usr_admin', vip],
        ['label.delete', 'usr_admin', vip],
      ]);
    });

    it('[issue-18] the owner, a conference guest, supervisors and administrators label a conversation, pushed live; an agent not working it gets 403, unknown ids 404', async () => {
      const { s, admin, sofia, anna, marco, giulia } = await start();
      const refund = await newLabel(admin, 'Refund', 'red');
      const vip = await newLabel(admin, 'VIP', 'purple');
      const conversationId = await annasConversation(s, anna, [marco, giulia, sofia], 'wamid.labels.1');
      const desktop = await openDesktop(s.url, 'anna');
      sockets.push(desktop);
      const put = (f: Fetcher, labelId: string, method = 'PUT') =>
        f(labelRoutes.conversationLabel(conversationId, labelId), { method });

      const set = await put(anna, refund);
      expect(set.status).toBe(200);
      expect(conversationLabelsSchema.parse(await set.json()).labels.map((l) => l.name)).toEqual(['Refund']);
      const pushed = await eventually(() =>
        desktop.events.find(
          (e): e is Extract<AgentEvent, { type: 'conversation.labels' }> => e.type === 'conversation.labels',
        ),
      );
      expect(pushed).toMatchObject({
        conversationId,
        labels: [{ id: refund, name: 'Refund', color: 'red' }],
      });
      // Setting twice changes nothing (and pushes nothing new).
      expect((await put(anna, refund)).status).toBe(200);
      // A supervisor and an administrator may label any conversation.
      expect((await put(sofia, vip)).status).toBe(200);
      expect((await put(admin, vip, 'DELETE')).status).toBe(200);
      // Marco does not work it: refused, for reading and writing.
      for (const res of [await put(marco, vip), await marco(labelRoutes.conversation(conversationId))]) {
        expect(res.status).toBe(403);
        expect(await code(res)).toBe('NOT_CONVERSATION_OWNER');
      }
      expect(await code(await put(anna, 'lbl_nowhere'))).toBe('NOT_FOUND');
      expect(
        await code(await anna(labelRoutes.conversationLabel('c_nowhere', refund), { method: 'PUT' })),
      ).toBe('NOT_FOUND');
      await eventually(() =>
        desktop.events.filter((e) => e.type === 'conversation.labels').length >= 3 ? true : undefined,
      );
      expect(desktop.events.filter((e) => e.type === 'conversation.labels')).toHaveLength(3);
      // The task list's read: what Anna may read, Marco gets nothing of it.
      const query = `${labelRoutes.assigned}?conversationIds=${conversationId},c_nowhere`;
      expect(assignedLabelsResponseSchema.parse(await (await anna(query)).json()).conversations).toEqual([
        { conversationId, labels: [expect.objectContaining({ id: refund })] },
      ]);
      expect(assignedLabelsResponseSchema.parse(await (await marco(query)).json()).conversations).toEqual([]);
      // Once Marco joins as a conference guest, he works it: he labels it too.
      expect((await marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
        200,
      );
      const asked = await anna(`/api/conversations/${conversationId}/conference`, {
        method: 'POST',
        body: { target: { kind: 'agent', agentId: 'usr_marco' } },
      });
      expect(asked.status).toBe(200);
      const invitation = await eventually(() => pendingOfferOf(s, 'usr_marco'));
      if (!invitation) throw new Error('no conference offer');
      expect((await marco(`/api/offers/${invitation.id}/accept`, { method: 'POST', body: {} })).status).toBe(
        200,
      );
      expect((await put(marco, vip)).status).toBe(200);
      expect((await put(marco, vip, 'DELETE')).status).toBe(200);
      expect((await put(anna, refund, 'DELETE')).status).toBe(200);
      const mine = conversationLabelsSchema.parse(
        await (await anna(labelRoutes.conversation(conversationId))).json(),
      );
      expect(mine.labels).toEqual([]);
    });

    it('[issue-18] search filters by label and shows labels; the labels report counts by arrival day; deleting a label takes it off', async () => {
      const { s, admin, sofia, anna, marco, giulia } = await start();
      const refund = await newLabel(admin, 'Refund', 'red');
      const vip = await newLabel(admin, 'VIP', 'purple');
      const conversationId = await annasConversation(s, anna, [marco, giulia, sofia], 'wamid.labels.2');
      expect(
        (await anna(labelRoutes.conversationLabel(conversationId, refund), { method: 'PUT' })).status,
      ).toBe(200);
      const search = async (f: Fetcher, labelId: string) => {
        const res = await f(`${searchRoutes.conversations}?labelId=${encodeURIComponent(labelId)}`);
        expect(res.status).toBe(200);
        return searchResponseSchema.parse(await res.json()).results;
      };
      for (const f of [anna, sofia]) {
        const hits = await search(f, refund);
        expect(hits.map((h) => h.conversationId)).toEqual([conversationId]);
        expect(hits[0]?.labels?.map((l) => l.name)).toEqual(['Refund']);
        expect(await search(f, vip)).toEqual([]);
      }
      // The history's entry of the conversation shows them too.
      const transcript = await sofia(historyRoutes.transcript(conversationId));
      expect(transcript.status).toBe(200);
      expect(
        transcriptResponseSchema.parse(await transcript.json()).conversation.labels?.map((l) => l.name),
      ).toEqual(['Refund']);
      // Marco searches his own conversations only: none carries it.
      expect(await search(marco, refund)).toEqual([]);

      const [details] = await s.parlo.store.transaction((tx) => tx.getConversationDetails([conversationId]));
      if (!details) throw new Error('no conversation');
      const day = utcDay(details.receivedAt);
      // A second labelled conversation, arrived the day before (stored directly: arrival is the bucket).
      await s.parlo.store.transaction((tx) =>
        tx.labels.assign({
          conversationId: 'c_yesterday',
          labelId: refund,
          startedAt: details.receivedAt - 86_400_000,
          setAt: details.receivedAt,
          setBy: 'usr_admin',
        }),
      );
      const yesterday = utcDay(details.receivedAt - 86_400_000);
      const report = async (query: string) => {
        const res = await sofia(`${labelRoutes.report}?${query}`);
        expect(res.status).toBe(200);
        return labelReportResponseSchema.parse(await res.json());
      };
      const byDay = await report(`from=${yesterday}&to=${day}&bucket=day`);
      expect(byDay.rows.map((r) => [r.bucket, r.name, r.conversations])).toEqual([
        [yesterday, 'Refund', 1],
        [day, 'Refund', 1],
      ]);
      const total = await report(`from=${yesterday}&to=${day}&bucket=total`);
      expect(total.rows.map((r) => [r.bucket, r.name, r.color, r.conversations])).toEqual([
        [yesterday, 'Refund', 'red', 2],
      ]);
      // Agents do not read reports; a range backwards is refused.
      expect((await anna(`${labelRoutes.report}?from=${day}&to=${day}`)).status).toBe(403);
      expect(await code(await sofia(`${labelRoutes.report}?from=${day}&to=${yesterday}`))).toBe(
        'VALIDATION_FAILED',
      );

      // Deleting the label takes it off every conversation: search and report forget it.
      expect((await admin(labelRoutes.adminOne(refund), { method: 'DELETE' })).status).toBe(200);
      expect(await search(sofia, refund)).toEqual([]);
      expect((await report(`from=${yesterday}&to=${day}&bucket=total`)).rows).toEqual([]);
      const left = await s.parlo.store.transaction((tx) =>
        tx.labels.labelsOf([conversationId, 'c_yesterday']),
      );
      expect(left).toEqual([]);
    });
  });
}
