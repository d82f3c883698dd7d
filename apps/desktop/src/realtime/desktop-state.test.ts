import { describe, expect, it } from 'vitest';
import type { AgentView, ConversationView, MessageView, OfferView, ServerFrame } from '@parlo/protocol';
import { applyEvent, applyLocal, initialDesktopState, type DesktopState } from './desktop-state.ts';

const T0 = '2025-01-01T10:00:00.000Z';

function agent(kind: 'available' | 'rona' = 'available', since = T0): AgentView {
  return { userId: 'u1', displayName: 'Ada', state: { kind, since }, capacity: 2, load: 0 };
}

function offer(id: string, conversationId = `c-${id}`): OfferView {
  return {
    id,
    conversationId,
    customerName: 'Maria Rossi',
    customerPhone: '+393331234567',
    businessNumber: '+390212345678',
    queueName: 'Support',
    receivedAt: T0,
    offeredAt: T0,
    expiresAt: '2025-01-01T10:00:30.000Z',
    purpose: { kind: 'route' },
  };
}

function conversation(id: string, phase: 'active' | 'wrapUp' = 'active'): ConversationView {
  return {
    id,
    phase,
    customerName: 'Maria Rossi',
    customerPhone: '+393331234567',
    businessNumber: '+390212345678',
    queueName: 'Support',
    queueId: 'q_support',
    receivedAt: T0,
    acceptedAt: T0,
    windowExpiresAt: null,
    role: 'owner',
    conference: null,
    blockedBy: null,
  };
}

function message(id: string, patch: Partial<MessageView> = {}): MessageView {
  return {
    id,
    conversationId: 'c1',
    direction: 'outbound',
    text: 'hello',
    authorName: 'Ada',
    sentAt: T0,
    status: 'sent',
    failureReason: null,
    clientMessageId: null,
    ...patch,
  };
}

function snapshot(
  seq: number,
  conversations: ConversationView[] = [],
  offers: OfferView[] = [],
): ServerFrame {
  return { type: 'snapshot', seq, snapshot: { agent: agent(), offers, conversations } };
}

function event(seq: number, e: Extract<ServerFrame, { type: 'event' }>['event']): ServerFrame {
  return { type: 'event', seq, event: e };
}

function reduce(frames: ServerFrame[], from: DesktopState = initialDesktopState): DesktopState {
  return frames.reduce(applyEvent, from);
}

describe('applyEvent: seq ordering and resume', () => {
  it('a snapshot replaces the state and sets lastSeq', () => {
    const before = reduce([snapshot(3, [conversation('c1')], [offer('o1')])]);
    const after = applyEvent(before, snapshot(10, [conversation('c2')]));
    expect(after.lastSeq).toBe(10);
    expect(after.conversations.map((c) => c.id)).toEqual(['c2']);
    expect(after.offers).toEqual([]);
    expect(after.agent?.displayName).toBe('Ada');
  });

  it('events apply in order and advance lastSeq', () => {
    const s = reduce([
      snapshot(0),
      event(1, { type: 'offer.added', offer: offer('o1') }),
      event(2, { type: 'offer.added', offer: offer('o2') }),
    ]);
    expect(s.lastSeq).toBe(2);
    expect(s.offers.map((o) => o.id)).toEqual(['o1', 'o2']);
  });

  it('a duplicate frame (seq <= lastSeq) is ignored and returns the same object', () => {
    const s = reduce([
      snapshot(0),
      event(1, { type: 'offer.added', offer: offer('o1') }),
      event(2, { type: 'offer.removed', offerId: 'o1', reason: 'lapsed' }),
    ]);
    const replayed = applyEvent(s, event(1, { type: 'offer.added', offer: offer('o1') }));
    expect(replayed).toBe(s);
    expect(replayed.offers).toEqual([]);
    expect(applyEvent(s, event(2, { type: 'offer.added', offer: offer('o9') }))).toBe(s);
  });

  it('events older than the snapshot are ignored', () => {
    const s = reduce([snapshot(5), event(4, { type: 'offer.added', offer: offer('o1') })]);
    expect(s.offers).toEqual([]);
    expect(s.lastSeq).toBe(5);
  });

  it('a replay after reconnect applies only what was missed', () => {
    const live = reduce([snapshot(0), event(1, { type: 'offer.added', offer: offer('o1') })]);
    // The server replays from lastSeq=1 but overlaps by one frame; the overlap must not double.
    const resumed = reduce(
      [
        event(1, { type: 'offer.added', offer: offer('o1') }),
        event(2, { type: 'offer.removed', offerId: 'o1', reason: 'accepted' }),
        event(3, { type: 'conversation.upserted', conversation: conversation('c-o1') }),
      ],
      live,
    );
    expect(resumed.lastSeq).toBe(3);
    expect(resumed.offers).toEqual([]);
    expect(resumed.conversations.map((c) => c.id)).toEqual(['c-o1']);
  });

  it('pong and error frames change nothing', () => {
    const s = reduce([snapshot(1)]);
    expect(applyEvent(s, { type: 'pong' })).toBe(s);
    expect(applyEvent(s, { type: 'error', code: 'BAD_FRAME', message: 'x' })).toBe(s);
  });

  it('each snapshot bumps the epoch so open panes refetch messages', () => {
    const s = reduce([snapshot(1), snapshot(2)]);
    expect(s.snapshotEpoch).toBe(2);
  });
});

describe('applyEvent: agent, offers and conversations', () => {
  it('[S-4] agent.updated shows RONA', () => {
    const s = reduce([
      snapshot(0),
      event(1, { type: 'agent.updated', agent: agent('rona', '2025-01-01T10:01:00.000Z') }),
    ]);
    expect(s.agent?.state.kind).toBe('rona');
  });

  it('conversation.upserted updates in place, conversation.removed drops it and its messages', () => {
    let s = reduce([
      snapshot(0, [conversation('c1'), conversation('c2')]),
      event(1, { type: 'message.upserted', message: message('m1') }),
      event(2, { type: 'conversation.upserted', conversation: conversation('c1', 'wrapUp') }),
    ]);
    expect(s.conversations.map((c) => [c.id, c.phase])).toEqual([
      ['c1', 'wrapUp'],
      ['c2', 'active'],
    ]);
    s = applyEvent(s, event(3, { type: 'conversation.removed', conversationId: 'c1' }));
    expect(s.conversations.map((c) => c.id)).toEqual(['c2']);
    expect(s.messages['c1']).toBeUndefined();
  });

  it('a snapshot keeps messages only of conversations it still lists', () => {
    const s = reduce([
      snapshot(0, [conversation('c1')]),
      event(1, { type: 'message.upserted', message: message('m1') }),
      snapshot(5, [conversation('c2')]),
    ]);
    expect(s.messages).toEqual({});
  });
});

describe('messages: upsert by id and clientMessageId', () => {
  const base = reduce([snapshot(0, [conversation('c1')])]);

  it('upserts by id without duplicating', () => {
    const s = reduce(
      [
        event(1, { type: 'message.upserted', message: message('m1', { status: 'sent' }) }),
        event(2, { type: 'message.upserted', message: message('m1', { status: 'delivered' }) }),
      ],
      base,
    );
    expect(s.messages['c1']?.map((m) => [m.id, m.status])).toEqual([['m1', 'delivered']]);
  });

  it('the server copy replaces the optimistic bubble matched by clientMessageId, in place', () => {
    let s = applyLocal(base, {
      type: 'message.reported',
      message: message('local:k1', { status: 'pending', clientMessageId: 'k1' }),
    });
    s = applyLocal(s, {
      type: 'message.reported',
      message: message('local:k2', { status: 'pending', clientMessageId: 'k2', text: 'second' }),
    });
    s = applyEvent(
      s,
      event(1, {
        type: 'message.upserted',
        message: message('m1', { status: 'sent', clientMessageId: 'k1' }),
      }),
    );
    expect(s.messages['c1']?.map((m) => [m.id, m.status])).toEqual([
      ['m1', 'sent'],
      ['local:k2', 'pending'],
    ]);
  });

  it('a late REST answer never moves a status backwards', () => {
    let s = applyLocal(base, {
      type: 'message.reported',
      message: message('local:k1', { status: 'pending', clientMessageId: 'k1' }),
    });
    s = applyEvent(
      s,
      event(1, {
        type: 'message.upserted',
        message: message('m1', { status: 'delivered', clientMessageId: 'k1' }),
      }),
    );
    s = applyLocal(s, {
      type: 'message.reported',
      message: message('m1', { status: 'pending', clientMessageId: 'k1' }),
    });
    expect(s.messages['c1']?.map((m) => [m.id, m.status])).toEqual([['m1', 'delivered']]);
  });

  it('failed is final and keeps its reason', () => {
    let s = applyEvent(
      base,
      event(1, {
        type: 'message.upserted',
        message: message('m1', { status: 'failed', failureReason: 'blocked' }),
      }),
    );
    s = applyLocal(s, { type: 'message.reported', message: message('m1', { status: 'sent' }) });
    expect(s.messages['c1']?.[0]).toMatchObject({ status: 'failed', failureReason: 'blocked' });
  });

  it('loaded history keeps its order and keeps pushes and optimistic bubbles it lacks', () => {
    let s = applyEvent(
      base,
      event(1, { type: 'message.upserted', message: message('m3', { direction: 'inbound', status: null }) }),
    );
    s = applyLocal(s, {
      type: 'message.reported',
      message: message('local:k9', { status: 'pending', clientMessageId: 'k9' }),
    });
    s = applyLocal(s, {
      type: 'messages.loaded',
      conversationId: 'c1',
      messages: [
        message('m1', { direction: 'inbound', status: null }),
        message('m2', { status: 'read' }),
        message('m3', { direction: 'inbound', status: null }),
      ],
    });
    expect(s.messages['c1']?.map((m) => m.id)).toEqual(['m1', 'm2', 'm3', 'local:k9']);
  });

  it('[issue-15] an older page goes before what is held, and reloading the newest page keeps it there', () => {
    const at = (minute: number) => `2025-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
    let s = applyLocal(base, {
      type: 'messages.loaded',
      conversationId: 'c1',
      messages: [message('m3', { sentAt: at(3) }), message('m4', { sentAt: at(4) })],
    });
    s = applyLocal(s, {
      type: 'messages.olderLoaded',
      conversationId: 'c1',
      messages: [
        message('m1', { sentAt: at(1) }),
        message('m2', { sentAt: at(2) }),
        message('m3', { sentAt: at(3) }),
      ],
    });
    expect(s.messages['c1']?.map((m) => m.id)).toEqual(['m1', 'm2', 'm3', 'm4']);
    s = applyLocal(s, {
      type: 'messages.loaded',
      conversationId: 'c1',
      messages: [
        message('m3', { sentAt: at(3) }),
        message('m4', { sentAt: at(4) }),
        message('m5', { sentAt: at(5) }),
      ],
    });
    expect(s.messages['c1']?.map((m) => m.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('history for a conversation no longer held is dropped', () => {
    const s = applyLocal(base, {
      type: 'messages.loaded',
      conversationId: 'gone',
      messages: [message('m1', { conversationId: 'gone' })],
    });
    expect(s).toBe(base);
  });
});

describe('applyLocal', () => {
  it('a REST agent answer older than the pushed state is ignored (RONA wins over a late "available")', () => {
    const s = reduce([
      snapshot(0),
      event(1, { type: 'agent.updated', agent: agent('rona', '2025-01-01T10:05:00.000Z') }),
    ]);
    expect(
      applyLocal(s, { type: 'agent.reported', agent: agent('available', '2025-01-01T10:04:00.000Z') }),
    ).toBe(s);
    expect(
      applyLocal(s, { type: 'agent.reported', agent: agent('available', '2025-01-01T10:06:00.000Z') }).agent
        ?.state.kind,
    ).toBe('available');
  });

  it('an accepted conversation is added and its offer dropped', () => {
    const s = applyLocal(reduce([snapshot(0, [], [offer('o1', 'c1')])]), {
      type: 'conversation.reported',
      conversation: conversation('c1'),
    });
    expect(s.offers).toEqual([]);
    expect(s.conversations.map((c) => c.id)).toEqual(['c1']);
  });

  it('a dropped offer (409 OFFER_NOT_PENDING) disappears', () => {
    const s = applyLocal(reduce([snapshot(0, [], [offer('o1'), offer('o2')])]), {
      type: 'offer.dropped',
      offerId: 'o1',
    });
    expect(s.offers.map((o) => o.id)).toEqual(['o2']);
  });

  it('a completed wrap-up removes the conversation', () => {
    const s = applyLocal(reduce([snapshot(0, [conversation('c1', 'wrapUp')])]), {
      type: 'conversation.completed',
      conversationId: 'c1',
    });
    expect(s.conversations).toEqual([]);
  });

  it('the same connection status returns the same object', () => {
    const s = applyLocal(initialDesktopState, { type: 'connection.changed', status: 'connected' });
    expect(applyLocal(s, { type: 'connection.changed', status: 'connected' })).toBe(s);
  });
});
