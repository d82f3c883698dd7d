import { describe, expect, it } from 'vitest';
import type { ConversationView } from '@parlo/protocol';
import { blockedNotice } from './blocked-banner.tsx';

const T0 = '2026-11-23T10:00:00.000Z';

function conversation(patch: Partial<ConversationView> = {}): ConversationView {
  return {
    id: 'c1',
    phase: 'active',
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
    ...patch,
  };
}

describe('[S-7] the warning on a conversation whose number or queue was deleted', () => {
  it('[S-7] no warning while nothing it depends on was deleted', () => {
    expect(blockedNotice(conversation())).toBeNull();
    expect(blockedNotice(conversation({ phase: 'wrapUp' }))).toBeNull();
  });

  it('[S-7] a deleted business number is named as the agent sees it (masked), and only End remains', () => {
    expect(blockedNotice(conversation({ blockedBy: 'businessNumberDeleted' }))).toEqual({
      deleted: 'businessNumber',
      name: '********5678',
      remains: 'end',
    });
  });

  it('[S-7] a deleted queue is named; once ended, only the wrap-up remains', () => {
    expect(blockedNotice(conversation({ blockedBy: 'queueDeleted', phase: 'wrapUp' }))).toEqual({
      deleted: 'queue',
      name: 'Customer Support',
      remains: 'wrapUp',
    });
  });
});
