import { describe, expect, it } from 'vitest';
import {
  adminBusinessNumberResponseSchema,
  adminBusinessNumbersResponseSchema,
  adminIdleCodesResponseSchema,
  adminQueueResponseSchema,
  adminQueuesResponseSchema,
  adminRoutes,
  adminUserResponseSchema,
  adminUsersResponseSchema,
  adminWrapUpReasonResponseSchema,
  auditResponseSchema,
  catalogResponseSchema,
  errorBodySchema,
  settingsResponseSchema,
  type ErrorBody,
} from '@parlo/protocol';
import {
  sameOrigin,
  inboundTextPayload,
  postWebhook,
  eventually,
  openDesktop,
  signedIn,
  useTestServer,
} from '../../testing/index.ts';
import { ADMIN_ROUTE_DOCS } from './index.ts';

const server = useTestServer();

type Call = Awaited<ReturnType<typeof signedIn>>;

/** A matcher for "some message": typed, so the lint sees no `any`. */
const anyText: unknown = expect.any(String);

async function error(res: Response): Promise<ErrorBody['error']> {
  return errorBodySchema.parse(await res.json()).error;
}

async function login(username: string, password: string): Promise<number> {
  const res = await fetch(`${server().url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...sameOrigin(server().url) },
    body: JSON.stringify({ username, password }),
  });
  return res.status;
}

/** Every response body and audit detail the admin could see, as one string to search for secrets. */
async function everythingAdminSees(admin: Call): Promise<string> {
  const parts: string[] = [];
  for (const path of [
    adminRoutes.users,
    adminRoutes.queues,
    adminRoutes.businessNumbers,
    adminRoutes.audit + '?limit=200',
    adminRoutes.settings,
  ]) {
    parts.push(await (await admin(path)).text());
  }
  return parts.join('\n');
}

describe('administration API: who may call it', () => {
  it('every admin route -> 401 without a session, 403 FORBIDDEN for an agent and a supervisor', async () => {
    const anna = await signedIn(server().url, 'anna');
    const sofia = await signedIn(server().url, 'sofia');
    const adminOnly = ADMIN_ROUTE_DOCS.filter((d) => d.auth === 'admin');
    expect(adminOnly.length).toBeGreaterThan(25);
    for (const doc of adminOnly) {
      const path = doc.path.replace('{id}', 'x');
      const body = doc.method === 'GET' || doc.method === 'DELETE' ? undefined : {};
      const anonymous = await fetch(`${server().url}${path}`, {
        method: doc.method,
        headers: { ...sameOrigin(server().url), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: '{}' } : {}),
      });
      expect(anonymous.status, `${doc.method} ${path}`).toBe(401);
      expect((await error(anonymous)).code).toBe('UNAUTHENTICATED');
      for (const user of [anna, sofia]) {
        const res = await user(path, { method: doc.method, ...(body ? { body } : {}) });
        expect(res.status, `${doc.method} ${path}`).toBe(403);
        expect((await error(res)).code).toBe('FORBIDDEN');
      }
    }
  });
});

describe('users', () => {
  it('create, list, edit (capacity profile, queues), reset the password, delete; never a hash', async () => {
    const admin = await signedIn(server().url, 'admin');
    const created = await admin(adminRoutes.users, {
      method: 'POST',
      body: {
        username: 'luca',
        displayName: 'Luca Neri',
        role: 'agent',
        password: 'secret-pass-1',
        queueIds: ['q_support'],
        capacity: 3,
      },
    });
    expect(created.status).toBe(201);
    const { user } = adminUserResponseSchema.parse(await created.json());
    expect(user).toMatchObject({ username: 'luca', role: 'agent', queueIds: ['q_support'], capacity: 3 });

    const list = adminUsersResponseSchema.parse(await (await admin(adminRoutes.users)).json());
    expect(list.users.map((u) => u.username)).toContain('luca');
    expect(JSON.stringify(list)).not.toMatch(/hash|scrypt|password/i);

    const edited = await admin(adminRoutes.user(user.id), {
      method: 'PATCH',
      body: { capacity: 7, queueIds: ['q_support', 'q_sales'], displayName: 'Luca N.' },
    });
    expect(edited.status).toBe(200);
    expect(adminUserResponseSchema.parse(await edited.json()).user).toMatchObject({
      capacity: 7,
      queueIds: ['q_support', 'q_sales'],
      displayName: 'Luca N.',
    });
    // Routing sees the new profile at once.
    const state = await server().parlo.store.transaction((tx) => tx.routing.read());
    expect(state.agents[user.id]).toMatchObject({ capacity: 7, queueIds: ['q_support', 'q_sales'] });

    // [issue-15] Explicit permissions are granted and taken back here, audited; unknown ones are a 400.
    const granted = await admin(adminRoutes.user(user.id), {
      method: 'PATCH',
      body: { permissions: ['transcript.export', 'history.readAll'] },
    });
    expect(adminUserResponseSchema.parse(await granted.json()).user.permissions).toEqual([
      'history.readAll',
      'transcript.export',
    ]);
    expect(
      await server().parlo.store.transaction((tx) => tx.hasPermission(user.id, 'transcript.export')),
    ).toBe(true);
    const unknown = await admin(adminRoutes.user(user.id), {
      method: 'PATCH',
      body: { permissions: ['everything'] },
    });
    expect(unknown.status).toBe(400);
    await admin(adminRoutes.user(user.id), { method: 'PATCH', body: { permissions: ['history.readAll'] } });
    const [lastChange] = await server().parlo.store.transaction((tx) =>
      tx.queryAudit({ actionPrefix: 'users.update', limit: 1 }),
    );
    expect(JSON.stringify(lastChange?.detail)).toContain('transcript.export');
    expect(
      await server().parlo.store.transaction((tx) => tx.hasPermission(user.id, 'transcript.export')),
    ).toBe(false);

    expect(await login('luca', 'secret-pass-1')).toBe(200);
    const reset = await admin(adminRoutes.userPassword(user.id), {
      method: 'POST',
      body: { password: 'another-pass-2' },
    });
    expect(reset.status).toBe(200);
    expect(await login('luca', 'secret-pass-1')).toBe(401);
    expect(await login('luca', 'another-pass-2')).toBe(200);

    const removed = await admin(adminRoutes.user(user.id), { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect((await admin(adminRoutes.user(user.id))).status).toBe(404);
    expect(await login('luca', 'another-pass-2')).toBe(401);
    const after = adminUsersResponseSchema.parse(await (await admin(adminRoutes.users)).json());
    expect(after.users.map((u) => u.username)).not.toContain('luca');
    // Soft delete: the name stays for history, the agent is out of routing.
    const gone = await server().parlo.store.transaction((tx) => tx.findUserById(user.id));
    expect(gone?.displayName).toBe('Luca N.');
    const routing = await server().parlo.store.transaction((tx) => tx.routing.read());
    expect(routing.agents[user.id]).toBeUndefined();

    const audit = auditResponseSchema.parse(
      await (await admin(`${adminRoutes.audit}?subject=${user.id}`)).json(),
    );
    expect(audit.entries.map((e) => e.action)).toEqual([
      'users.delete',
      'users.resetPassword',
      'users.update',
      'users.update',
      'users.update',
      'users.create',
    ]);
    expect(audit.entries[0]?.actorName).toBe('Alex Admin');
    expect(JSON.stringify(audit)).not.toContain('pass-');
  });

  it('bad input -> 400 VALIDATION_FAILED with a message per field; taken username -> 409; unknown queue -> 400', async () => {
    const admin = await signedIn(server().url, 'admin');
    const bad = await admin(adminRoutes.users, {
      method: 'POST',
      body: { username: 'bad name!', displayName: '', role: 'boss', password: 'short', capacity: 11 },
    });
    expect(bad.status).toBe(400);
    const badError = await error(bad);
    expect(badError.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(badError.fields ?? {}).sort()).toEqual([
      'capacity',
      'displayName',
      'password',
      'role',
      'username',
    ]);

    const taken = await admin(adminRoutes.users, {
      method: 'POST',
      body: { username: 'anna', displayName: 'Another Anna', role: 'agent', password: 'long-enough-pass' },
    });
    expect(taken.status).toBe(409);
    expect(await error(taken)).toMatchObject({
      code: 'ALREADY_EXISTS',
      fields: { username: anyText },
    });

    const unknownQueue = await admin(adminRoutes.users, {
      method: 'POST',
      body: {
        username: 'nina',
        displayName: 'Nina',
        role: 'agent',
        password: 'long-enough-pass',
        queueIds: ['q_support', 'q_nope'],
      },
    });
    expect(unknownQueue.status).toBe(400);
    expect(await error(unknownQueue)).toMatchObject({
      code: 'UNKNOWN_REFERENCE',
      fields: { 'queueIds.1': anyText },
    });
    expect((await admin(adminRoutes.user('usr_nobody'), { method: 'PATCH', body: {} })).status).toBe(404);
  });
});

describe('queues', () => {
  it('create with policies, edit, validation per field, delete (soft): gone from the catalog', async () => {
    const admin = await signedIn(server().url, 'admin');
    const create = await admin(adminRoutes.queues, {
      method: 'POST',
      body: {
        name: 'Billing',
        priority: 3,
        offerTimeoutSeconds: 20,
        strategy: 'leastBusy',
        maxWaitSeconds: 120,
        overflowQueueId: 'q_support',
        wrapUpReasonIds: ['wr_resolved', 'wr_info'],
        defaultWrapUpReasonId: 'wr_resolved',
        autoWrapUpSeconds: 30,
      },
    });
    expect(create.status).toBe(201);
    const { queue } = adminQueueResponseSchema.parse(await create.json());
    expect(queue).toMatchObject({ name: 'Billing', strategy: 'leastBusy', maxWaitSeconds: 120 });
    const routing = await server().parlo.store.transaction((tx) => tx.routing.read());
    expect(routing.queues[queue.id]).toMatchObject({
      offerTimeoutMs: 20_000,
      strategy: 'leastBusy',
      maxWaitMs: 120_000,
      overflowQueueId: 'q_support',
      autoWrapUpMs: 30_000,
      defaultWrapUpReasonId: 'wr_resolved',
    });

    const edit = await admin(adminRoutes.queue(queue.id), {
      method: 'PATCH',
      body: { strategy: 'longestAvailable', maxWaitSeconds: null, overflowQueueId: null },
    });
    expect(adminQueueResponseSchema.parse(await edit.json()).queue).toMatchObject({
      strategy: 'longestAvailable',
      maxWaitSeconds: null,
      overflowQueueId: null,
      name: 'Billing',
    });

    const halfPolicy = await admin(adminRoutes.queue(queue.id), {
      method: 'PATCH',
      body: { maxWaitSeconds: 60 },
    });
    expect(halfPolicy.status).toBe(400);
    expect(await error(halfPolicy)).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: { overflowQueueId: anyText },
    });
    const badDefault = await admin(adminRoutes.queue(queue.id), {
      method: 'PATCH',
      body: { defaultWrapUpReasonId: 'wr_sale' },
    });
    expect(await error(badDefault)).toMatchObject({ fields: { defaultWrapUpReasonId: anyText } });
    const unknownReason = await admin(adminRoutes.queue(queue.id), {
      method: 'PATCH',
      body: { wrapUpReasonIds: ['wr_nope'] },
    });
    expect(await error(unknownReason)).toMatchObject({
      code: 'UNKNOWN_REFERENCE',
      fields: { 'wrapUpReasonIds.0': anyText },
    });
    const typo = await admin(adminRoutes.queues, {
      method: 'POST',
      body: { name: '', offerTimeoutSeconds: 1 },
    });
    expect(Object.keys((await error(typo)).fields ?? {}).sort()).toEqual(['name', 'offerTimeoutSeconds']);
    const duplicate = await admin(adminRoutes.queues, { method: 'POST', body: { name: ' billing ' } });
    expect(duplicate.status).toBe(409);
    expect(await error(duplicate)).toMatchObject({
      code: 'ALREADY_EXISTS',
      fields: { name: anyText },
    });

    // The demo number sends its customers to q_support: that queue cannot go.
    const inUse = await admin(adminRoutes.queue('q_support'), { method: 'DELETE' });
    expect(inUse.status).toBe(409);
    expect((await error(inUse)).code).toBe('IN_USE');

    expect((await admin(adminRoutes.queue(queue.id), { method: 'DELETE' })).status).toBe(200);
    const queues = adminQueuesResponseSchema.parse(await (await admin(adminRoutes.queues)).json());
    expect(queues.queues.map((q) => q.id)).not.toContain(queue.id);
    const anna = await signedIn(server().url, 'anna');
    const catalog = catalogResponseSchema.parse(await (await anna('/api/catalog')).json());
    expect(catalog.queues.map((q) => q.id)).not.toContain(queue.id);
    // Referring to the deleted queue now fails.
    const refer = await admin(adminRoutes.user('usr_marco'), {
      method: 'PATCH',
      body: { queueIds: [queue.id] },
    });
    expect((await error(refer)).code).toBe('UNKNOWN_REFERENCE');
  });

  it('raising an agent capacity routes waiting conversations again at once', async () => {
    const admin = await signedIn(server().url, 'admin');
    const giulia = await signedIn(server().url, 'giulia');
    const desktop = await openDesktop(server().url, 'giulia');
    await admin(adminRoutes.user('usr_giulia'), { method: 'PATCH', body: { capacity: 0 } });
    await giulia('/api/agent/state', { method: 'POST', body: { kind: 'available' } });
    await postWebhook(
      server().url,
      JSON.stringify(inboundTextPayload({ wamid: 'wamid.cap1', from: '391230000777' })),
    );
    const pending = async () =>
      Object.values((await server().parlo.store.transaction((tx) => tx.routing.read())).offers).filter(
        (o) => o.agentId === 'usr_giulia' && o.status.kind === 'pending',
      );
    expect(await pending()).toHaveLength(0);
    await admin(adminRoutes.user('usr_giulia'), { method: 'PATCH', body: { capacity: 2 } });
    expect(await pending()).toHaveLength(1);
    // Leave the world as we found it: accept, end, wrap up.
    const [offer] = await pending();
    await giulia(`/api/offers/${offer!.id}/accept`, { method: 'POST', body: {} });
    await giulia(`/api/conversations/${offer!.conversationId}/end`, { method: 'POST', body: {} });
    await giulia(`/api/conversations/${offer!.conversationId}/wrap-up`, {
      method: 'POST',
      body: { reasonId: 'wr_resolved' },
    });
    await giulia('/api/agent/state', { method: 'POST', body: { kind: 'idle', idleCodeId: 'idle_break' } });
    desktop.close();
  });
});

describe('business numbers', () => {
  it('secrets are write-only: never in a response or the audit log; rotation keeps old and new', async () => {
    const admin = await signedIn(server().url, 'admin');
    const created = await admin(adminRoutes.businessNumbers, {
      method: 'POST',
      body: {
        phoneNumberId: '555000111',
        displayPhoneNumber: '+39 02 1234'.replace(/ /g, ''),
        wabaId: '777',
        accessToken: 'TOKEN-very-secret',
        appSecrets: ['APPSECRET-one'],
        verifyToken: 'VERIFY-secret',
        queueId: 'q_sales',
      },
    });
    expect(created.status).toBe(201);
    const { businessNumber } = adminBusinessNumberResponseSchema.parse(await created.json());
    expect(businessNumber).toEqual({
      id: businessNumber.id,
      phoneNumberId: '555000111',
      displayPhoneNumber: '39021234',
      wabaId: '777',
      queueId: 'q_sales',
      accessTokenSet: true,
      appSecretCount: 1,
      verifyTokenSet: true,
    });

    const rotated = await admin(adminRoutes.businessNumber(businessNumber.id), {
      method: 'PATCH',
      body: { addAppSecret: 'APPSECRET-two', accessToken: 'TOKEN-new-secret' },
    });
    expect(adminBusinessNumberResponseSchema.parse(await rotated.json()).businessNumber.appSecretCount).toBe(
      2,
    );
    const stored = await server().parlo.store.transaction((tx) =>
      tx.findBusinessNumberById(businessNumber.id),
    );
    expect(stored?.appSecrets).toEqual(['APPSECRET-one', 'APPSECRET-two']);
    const retired = await admin(adminRoutes.businessNumber(businessNumber.id), {
      method: 'PATCH',
      body: { retireOldAppSecrets: true },
    });
    expect(adminBusinessNumberResponseSchema.parse(await retired.json()).businessNumber.appSecretCount).toBe(
      1,
    );
    const after = await server().parlo.store.transaction((tx) =>
      tx.findBusinessNumberById(businessNumber.id),
    );
    expect(after?.appSecrets).toEqual(['APPSECRET-two']);

    const seen = await everythingAdminSees(admin);
    for (const secret of ['TOKEN-', 'APPSECRET-', 'VERIFY-secret', 'demo-app-secret', 'demo-access-token']) {
      expect(seen).not.toContain(secret);
    }
    const audit = auditResponseSchema.parse(
      await (await admin(`${adminRoutes.audit}?action=businessNumbers.&subject=${businessNumber.id}`)).json(),
    );
    expect(audit.entries.map((e) => e.action)).toEqual([
      'businessNumbers.update',
      'businessNumbers.update',
      'businessNumbers.create',
    ]);
    expect(audit.entries[1]?.detail).toMatchObject({ accessToken: 'changed', appSecrets: 'changed' });

    const clash = await admin(adminRoutes.businessNumbers, {
      method: 'POST',
      body: {
        phoneNumberId: '555000111',
        displayPhoneNumber: '390200000',
        wabaId: '1',
        accessToken: 't',
        appSecrets: ['s'],
        verifyToken: 'v',
        queueId: 'q_sales',
      },
    });
    expect(clash.status).toBe(409);
    expect(await error(clash)).toMatchObject({
      code: 'ALREADY_EXISTS',
      fields: { phoneNumberId: anyText },
    });
    const noSecrets = await admin(adminRoutes.businessNumbers, {
      method: 'POST',
      body: {
        phoneNumberId: 'abc',
        displayPhoneNumber: 'x',
        wabaId: '1',
        accessToken: '',
        appSecrets: [],
        verifyToken: 'v',
        queueId: 'q_sales',
      },
    });
    expect(Object.keys((await error(noSecrets)).fields ?? {}).sort()).toEqual([
      'accessToken',
      'appSecrets',
      'displayPhoneNumber',
      'phoneNumberId',
    ]);

    expect((await admin(adminRoutes.businessNumber(businessNumber.id), { method: 'DELETE' })).status).toBe(
      200,
    );
    const list = adminBusinessNumbersResponseSchema.parse(
      await (await admin(adminRoutes.businessNumbers)).json(),
    );
    expect(list.businessNumbers.map((n) => n.id)).toEqual(['bn_demo']);
    // Its phone_number_id is free again.
    const again = await admin(adminRoutes.businessNumbers, {
      method: 'POST',
      body: {
        phoneNumberId: '555000111',
        displayPhoneNumber: '390200000',
        wabaId: '1',
        accessToken: 't',
        appSecrets: ['s'],
        verifyToken: 'v',
        queueId: 'q_sales',
      },
    });
    expect(again.status).toBe(201);
  });
});

describe('wrap-up reasons, idle codes, settings', () => {
  it('CRUD with unique names; a default reason in use and the last idle code cannot go', async () => {
    const admin = await signedIn(server().url, 'admin');
    const created = await admin(adminRoutes.wrapUpReasons, { method: 'POST', body: { name: 'Callback' } });
    expect(created.status).toBe(201);
    const { wrapUpReason } = adminWrapUpReasonResponseSchema.parse(await created.json());
    expect(wrapUpReason.position).toBe(6);
    const renamed = await admin(adminRoutes.wrapUpReason(wrapUpReason.id), {
      method: 'PATCH',
      body: { name: 'Call back' },
    });
    expect(adminWrapUpReasonResponseSchema.parse(await renamed.json()).wrapUpReason.name).toBe('Call back');
    const dup = await admin(adminRoutes.wrapUpReasons, { method: 'POST', body: { name: 'resolved' } });
    expect(await error(dup)).toMatchObject({ code: 'ALREADY_EXISTS', fields: { name: anyText } });
    const empty = await admin(adminRoutes.idleCodes, { method: 'POST', body: { name: '  ' } });
    expect(await error(empty)).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: { name: anyText },
    });

    // A queue's default reason cannot go; once it is no longer the default, it can.
    await admin(adminRoutes.queue('q_sales'), {
      method: 'PATCH',
      body: { defaultWrapUpReasonId: wrapUpReason.id },
    });
    const inUse = await admin(adminRoutes.wrapUpReason(wrapUpReason.id), { method: 'DELETE' });
    expect(await error(inUse)).toMatchObject({
      code: 'IN_USE',
      fields: { defaultWrapUpReasonId: anyText },
    });
    await admin(adminRoutes.queue('q_sales'), { method: 'PATCH', body: { defaultWrapUpReasonId: null } });
    expect((await admin(adminRoutes.wrapUpReason(wrapUpReason.id), { method: 'DELETE' })).status).toBe(200);
    const anna = await signedIn(server().url, 'anna');
    const catalog = catalogResponseSchema.parse(await (await anna('/api/catalog')).json());
    expect(catalog.wrapUpReasons.map((r) => r.id)).not.toContain(wrapUpReason.id);

    const codes = adminIdleCodesResponseSchema.parse(await (await admin(adminRoutes.idleCodes)).json());
    for (const code of codes.idleCodes.slice(1)) {
      expect((await admin(adminRoutes.idleCode(code.id), { method: 'DELETE' })).status).toBe(200);
    }
    const last = await admin(adminRoutes.idleCode(codes.idleCodes[0]!.id), { method: 'DELETE' });
    expect((await error(last)).code).toBe('IN_USE');
  });

  it('settings: partial update, validated, audited; the disconnect grace is used at run time', async () => {
    const admin = await signedIn(server().url, 'admin');
    const bad = await admin(adminRoutes.settings, { method: 'PUT', body: { disconnectGraceSeconds: -1 } });
    expect(await error(bad)).toMatchObject({ fields: { disconnectGraceSeconds: anyText } });
    const res = await admin(adminRoutes.settings, {
      method: 'PUT',
      body: { disconnectGraceSeconds: 7, transferNotAcceptedPolicy: 'endConversation' },
    });
    expect(settingsResponseSchema.parse(await res.json()).settings).toMatchObject({
      disconnectGraceSeconds: 7,
      transferNotAcceptedPolicy: 'endConversation',
    });
    // At run time: an agent whose desktop goes keeps their conversation for the set 7 s (the
    // server config says 60).
    const anna = await signedIn(server().url, 'anna');
    const desktop = await openDesktop(server().url, 'anna');
    await anna('/api/agent/state', { method: 'POST', body: { kind: 'available' } });
    await postWebhook(
      server().url,
      JSON.stringify(inboundTextPayload({ wamid: 'wamid.grace1', from: '391230000888' })),
    );
    const routing = () => server().parlo.store.transaction((tx) => tx.routing.read());
    const offer = Object.values((await routing()).offers).find(
      (o) => o.agentId === 'usr_anna' && o.status.kind === 'pending',
    );
    expect((await anna(`/api/offers/${offer!.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
    desktop.close();
    const disconnectedAt = await eventually(async () => (await routing()).agents.usr_anna?.disconnectedAt);
    const timers = await server().parlo.store.transaction((tx) => tx.dueTimers(Number.MAX_SAFE_INTEGER, 100));
    const grace = timers.find((t) => JSON.stringify(t.event).includes('agent.disconnectGraceEnded'));
    expect(grace!.dueAt - disconnectedAt!).toBe(7_000);
    // Back, and leave the world as found.
    const again = await openDesktop(server().url, 'anna');
    await anna(`/api/conversations/${offer!.conversationId}/end`, { method: 'POST', body: {} });
    await anna(`/api/conversations/${offer!.conversationId}/wrap-up`, {
      method: 'POST',
      body: { reasonId: 'wr_resolved' },
    });
    await anna('/api/agent/state', { method: 'POST', body: { kind: 'idle', idleCodeId: 'idle_break' } });
    again.close();
    await admin(adminRoutes.settings, {
      method: 'PUT',
      body: { transferNotAcceptedPolicy: 'returnToQueue' },
    });
  });
});

describe('audit browsing', () => {
  it('filters by action prefix, actor, time range; pages with a cursor, newest first', async () => {
    const admin = await signedIn(server().url, 'admin');
    const page1 = auditResponseSchema.parse(await (await admin(`${adminRoutes.audit}?limit=3`)).json());
    expect(page1.entries).toHaveLength(3);
    expect(page1.nextCursor).toEqual(anyText);
    const page2 = auditResponseSchema.parse(
      await (await admin(`${adminRoutes.audit}?limit=3&cursor=${page1.nextCursor}`)).json(),
    );
    const all = [...page1.entries, ...page2.entries];
    expect(new Set(all.map((e) => e.id)).size).toBe(6);
    const times = all.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const queues = auditResponseSchema.parse(
      await (await admin(`${adminRoutes.audit}?action=queues.`)).json(),
    );
    expect(queues.entries.length).toBeGreaterThan(0);
    expect(queues.entries.every((e) => e.action.startsWith('queues.'))).toBe(true);
    const byOther = auditResponseSchema.parse(
      await (await admin(`${adminRoutes.audit}?actor=usr_sofia`)).json(),
    );
    expect(byOther.entries).toEqual([]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const later = auditResponseSchema.parse(
      await (await admin(`${adminRoutes.audit}?from=${encodeURIComponent(future)}`)).json(),
    );
    expect(later.entries).toEqual([]);
    const bad = await admin(`${adminRoutes.audit}?limit=0&from=yesterday`);
    expect(Object.keys((await error(bad)).fields ?? {}).sort()).toEqual(['from', 'limit']);
    expect((await error(await admin(`${adminRoutes.audit}?cursor=nonsense`))).code).toBe('VALIDATION_FAILED');
  });
});
