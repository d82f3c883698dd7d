import type { MessageView } from '@parlo/protocol';
import { describe, expect, it } from 'vitest';
import { upsertMessage } from '../../realtime/desktop-state.ts';

const view = (id: string, sentAt: string, extra: Partial<MessageView> = {}): MessageView => ({
  id,
  conversationId: 'c1',
  direction: 'inbound',
  text: id,
  authorName: 'Sheena',
  sentAt,
  status: null,
  failureReason: null,
  clientMessageId: null,
  ...extra,
});

describe('[S-6] the desktop keeps Meta time order and what a status push does not carry', () => {
  it('a message written earlier but delivered later goes before later ones', () => {
    const list = [view('a', '2026-01-01T10:00:00.000Z'), view('c', '2026-01-01T10:00:20.000Z')];
    const next = upsertMessage(list, view('b', '2026-01-01T10:00:10.000Z'));
    expect(next.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    const tie = upsertMessage(next, view('d', '2026-01-01T10:00:20.000Z'));
    expect(tie.map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a status update without reactions or quote keeps those the bubble shows', () => {
    const quote = {
      messageId: 'q',
      direction: 'inbound' as const,
      authorName: 'S',
      text: 'hi',
      kind: 'text',
    };
    const shown = view('m', '2026-01-01T10:00:00.000Z', {
      direction: 'outbound',
      status: 'sent',
      reactions: [{ emoji: '👍', authorName: 'Sheena' }],
      replyTo: quote,
    });
    const [merged] = upsertMessage(
      [shown],
      view('m', '2026-01-01T10:00:00.000Z', { direction: 'outbound', status: 'read' }),
    );
    expect(merged).toMatchObject({ status: 'read', reactions: [{ emoji: '👍' }], replyTo: quote });
    const [cleared] = upsertMessage([shown], { ...shown, reactions: [] });
    expect(cleared?.reactions).toEqual([]);
  });
});
