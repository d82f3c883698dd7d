import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminRoutes } from '@parlo/protocol';
import {
  fetchAuditLog,
  updateAdminQueue,
  createAdminUser,
  deleteAdminBusinessNumber,
} from './admin-client.ts';
import { RequestError } from './request-error.ts';

function answer(status: number, body: unknown) {
  return vi.fn((_input: string, _init?: RequestInit) =>
    Promise.resolve(
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
    ),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const QUEUE = {
  id: 'q_1',
  name: 'Billing',
  priority: 1,
  offerTimeoutSeconds: 20,
  strategy: 'longestAvailable',
  maxWaitSeconds: null,
  overflowQueueId: null,
  wrapUpReasonIds: [],
  defaultWrapUpReasonId: null,
  autoWrapUpSeconds: null,
  windowFirst: null,
  stickyAgentSeconds: null,
  serviceLevelSeconds: null,
} as const;

describe('admin API client', () => {
  it('PATCHes only the given fields to the resource URL and parses the answer with the protocol schema', async () => {
    const fetchMock = answer(200, { queue: { ...QUEUE, priority: 2 } });
    vi.stubGlobal('fetch', fetchMock);
    await expect(updateAdminQueue('q_1', { priority: 2 })).resolves.toEqual({ ...QUEUE, priority: 2 });
    expect(fetchMock.mock.calls[0]?.[0]).toBe(adminRoutes.queue('q_1'));
    expect(fetchMock.mock.calls[0]?.[1]?.method).toBe('PATCH');
    expect(fetchMock.mock.calls[0]?.[1]?.body).toBe('{"priority":2}');
  });

  it('a 409 ALREADY_EXISTS keeps its `fields`, for the form to show next to the field', async () => {
    vi.stubGlobal(
      'fetch',
      answer(409, { error: { code: 'ALREADY_EXISTS', message: 'taken', fields: { username: 'taken' } } }),
    );
    const failure = await createAdminUser({
      username: 'anna',
      displayName: 'Anna',
      role: 'agent',
      password: 'long enough now',
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RequestError);
    expect(failure).toMatchObject({ code: 'ALREADY_EXISTS', status: 409, fields: { username: 'taken' } });
  });

  it('an answer that does not match the protocol is BAD_RESPONSE, not trusted', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.stubGlobal('fetch', answer(200, { queue: { id: 'q_1' } }));
    await expect(updateAdminQueue('q_1', { priority: 2 })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('DELETE expects { ok: true }', async () => {
    const fetchMock = answer(200, { ok: true });
    vi.stubGlobal('fetch', fetchMock);
    await deleteAdminBusinessNumber('bn_1');
    expect(fetchMock.mock.calls[0]?.[0]).toBe(adminRoutes.businessNumber('bn_1'));
    expect(fetchMock.mock.calls[0]?.[1]?.method).toBe('DELETE');
  });

  it('the audit query string carries only the filters that are set', async () => {
    const fetchMock = answer(200, { entries: [], nextCursor: null });
    vi.stubGlobal('fetch', fetchMock);
    await fetchAuditLog({ limit: 25, action: 'users.', cursor: 'abc' });
    expect(fetchMock.mock.calls[0]?.[0]).toBe(`${adminRoutes.audit}?limit=25&action=users.&cursor=abc`);
  });
});
