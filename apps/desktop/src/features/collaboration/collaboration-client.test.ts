import { afterEach, describe, expect, it, vi } from 'vitest';
import { collaborationRoutes, type ConversationView } from '@parlo/protocol';
import {
  endConference,
  exitConference,
  fetchCollaborationTargets,
  requestConference,
  transferConversation,
} from '../../api/client.ts';
import { RequestError } from '../../api/request-error.ts';

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

const T0 = '2025-01-01T10:00:00.000Z';
const CONVERSATION: ConversationView = {
  id: 'c/1',
  phase: 'wrapUp',
  customerName: 'Maria Rossi',
  customerPhone: '********4567',
  businessNumber: '********5678',
  queueName: 'Customer Support',
  queueId: 'q_support',
  receivedAt: T0,
  acceptedAt: T0,
  windowExpiresAt: null,
  role: 'owner',
  conference: null,
  blockedBy: null,
};

describe('transfer and conference client', () => {
  it('[S-15][S-16] GETs the targets of a conversation and parses them with the protocol schema', async () => {
    const targets = {
      queues: [{ id: 'q_sales', name: 'Sales' }],
      agents: [{ id: 'usr_marco', displayName: 'Marco Bianchi', freeSlots: 2 }],
    };
    const fetchMock = answer(200, targets);
    vi.stubGlobal('fetch', fetchMock);
    await expect(fetchCollaborationTargets('c/1', 'transfer')).resolves.toEqual(targets);
    expect(fetchMock.mock.calls[0]?.[0]).toBe(collaborationRoutes.targets('c/1'));
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/conversations/c%2F1/targets');
    // [S-19] a conference lists only queues with someone free to join.
    await fetchCollaborationTargets('c/1', 'conference');
    expect(fetchMock.mock.calls[1]?.[0]).toBe('/api/conversations/c%2F1/targets?purpose=conference');
  });

  it('[S-15] rejects targets that do not match the protocol (an agent with no spare capacity)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.stubGlobal(
      'fetch',
      answer(200, { queues: [], agents: [{ id: 'usr_marco', displayName: 'Marco Bianchi', freeSlots: 0 }] }),
    );
    await expect(fetchCollaborationTargets('c1', 'transfer')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('[S-17][S-18] POSTs the transfer target and returns the agent’s view, now in wrap-up', async () => {
    const fetchMock = answer(200, { conversation: CONVERSATION });
    vi.stubGlobal('fetch', fetchMock);
    await expect(transferConversation('c/1', { kind: 'agent', agentId: 'usr_marco' })).resolves.toEqual(
      CONVERSATION,
    );
    const init = fetchMock.mock.calls[0]?.[1];
    expect(fetchMock.mock.calls[0]?.[0]).toBe(collaborationRoutes.transfer('c/1'));
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe('{"target":{"kind":"agent","agentId":"usr_marco"}}');
  });

  it('[S-17] a target that can no longer take it comes back as TRANSFER_TARGET_UNAVAILABLE', async () => {
    vi.stubGlobal(
      'fetch',
      answer(409, { error: { code: 'TRANSFER_TARGET_UNAVAILABLE', message: 'agent went idle' } }),
    );
    const error = await transferConversation('c1', { kind: 'queue', queueId: 'q_gone' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).code).toBe('TRANSFER_TARGET_UNAVAILABLE');
  });

  it('[S-19] POSTs a conference request to a queue', async () => {
    const requested = {
      ...CONVERSATION,
      phase: 'active',
      conference: { state: 'requested', targetName: 'Sales' },
    } as const;
    const fetchMock = answer(200, { conversation: requested });
    vi.stubGlobal('fetch', fetchMock);
    await expect(requestConference('c1', { kind: 'queue', queueId: 'q_sales' })).resolves.toEqual(requested);
    expect(fetchMock.mock.calls[0]?.[0]).toBe(collaborationRoutes.conference('c1'));
    expect(fetchMock.mock.calls[0]?.[1]?.body).toBe('{"target":{"kind":"queue","queueId":"q_sales"}}');
  });

  it('[S-21][S-22] End conference and Exit conference POST to their own routes', async () => {
    const fetchMock = answer(200, { conversation: CONVERSATION });
    vi.stubGlobal('fetch', fetchMock);
    await endConference('c1');
    await exitConference('c1');
    expect(fetchMock.mock.calls.map((c) => [c[0], c[1]?.method])).toEqual([
      [collaborationRoutes.endConference('c1'), 'POST'],
      [collaborationRoutes.exitConference('c1'), 'POST'],
    ]);
  });

  it('[S-22] Exit conference by the owner is refused with NOT_CONFERENCE_GUEST', async () => {
    vi.stubGlobal('fetch', answer(403, { error: { code: 'NOT_CONFERENCE_GUEST', message: 'guests only' } }));
    await expect(exitConference('c1')).rejects.toMatchObject({ code: 'NOT_CONFERENCE_GUEST' });
  });
});
