import { describe, expect, it } from 'vitest';
import type { ConversationView } from '@parlo/protocol';
import { collaborationControls, conferenceRequestsDropped, enteredWrapUp } from './collaboration-controls.ts';

const T0 = '2025-01-01T10:00:00.000Z';

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

describe('collaborationControls', () => {
  it('[S-14][S-19] the owner of an active conversation can Transfer, ask for a Conference and End', () => {
    expect(collaborationControls(conversation())).toEqual({
      transfer: 'enabled',
      conference: 'enabled',
      endConference: 'hidden',
      exitConference: 'hidden',
      end: 'enabled',
      indicator: null,
    });
  });

  it('[S-20] while a conference is requested the indicator says so and no second one can start', () => {
    const controls = collaborationControls(
      conversation({ conference: { state: 'requested', targetName: 'Sales' } }),
    );
    expect(controls.indicator).toEqual({ state: 'requested', name: 'Sales' });
    expect(controls.conference).toBe('hidden');
    expect(controls.transfer).toBe('disabled');
    expect(controls.endConference).toBe('hidden');
  });

  it('[S-20][S-21] once joined the owner sees Conference with the guest, and End conference', () => {
    const controls = collaborationControls(
      conversation({ conference: { state: 'joined', otherAgentName: 'Marco Bianchi' } }),
    );
    expect(controls.indicator).toEqual({ state: 'joined', name: 'Marco Bianchi' });
    expect(controls.endConference).toBe('enabled');
    expect(controls.end).toBe('enabled');
  });

  it('[S-22] a guest can only Exit conference: no Transfer, Conference, End or End conference', () => {
    expect(
      collaborationControls(
        conversation({ role: 'guest', conference: { state: 'joined', otherAgentName: 'Anna Rossi' } }),
      ),
    ).toEqual({
      transfer: 'hidden',
      conference: 'hidden',
      endConference: 'hidden',
      exitConference: 'enabled',
      end: 'hidden',
      indicator: { state: 'joined', name: 'Anna Rossi' },
    });
  });

  it('[S-7] a blocked conversation keeps only End: Transfer and Conference are disabled', () => {
    for (const blockedBy of ['businessNumberDeleted', 'queueDeleted'] as const) {
      const controls = collaborationControls(conversation({ blockedBy }));
      expect(controls.transfer).toBe('disabled');
      expect(controls.conference).toBe('disabled');
      expect(controls.end).toBe('enabled');
    }
  });

  it('[S-24] in wrap-up no collaboration control is offered (the Wrap up button is)', () => {
    const controls = collaborationControls(conversation({ phase: 'wrapUp' }));
    expect([controls.transfer, controls.conference, controls.end, controls.exitConference]).toEqual([
      'hidden',
      'hidden',
      'hidden',
      'hidden',
    ]);
  });
});

describe('enteredWrapUp', () => {
  it('[S-18][S-23] names conversations that went from active to wrap-up, whoever caused it', () => {
    const before = [
      conversation({ id: 'a' }),
      conversation({ id: 'b' }),
      conversation({ id: 'c', phase: 'wrapUp' }),
    ];
    const after = [
      conversation({ id: 'a', phase: 'wrapUp' }),
      conversation({ id: 'b' }),
      conversation({ id: 'c', phase: 'wrapUp' }),
    ];
    expect(enteredWrapUp(before, after)).toEqual(['a']);
  });

  it('does not pop up conversations that arrive already in wrap-up (a snapshot after a reload)', () => {
    expect(enteredWrapUp([], [conversation({ phase: 'wrapUp' })])).toEqual([]);
  });
});

describe('conferenceRequestsDropped', () => {
  const requested = conversation({ conference: { state: 'requested', targetName: 'Marco Bianchi' } });

  it('[S-20] a request that lapsed is reported to the owner, who carries on', () => {
    expect(conferenceRequestsDropped([requested], [conversation()])).toEqual([
      { conversationId: 'c1', targetName: 'Marco Bianchi' },
    ]);
  });

  it('an accepted request (joined) or an ended conversation is not a lapse', () => {
    const joined = conversation({ conference: { state: 'joined', otherAgentName: 'Marco Bianchi' } });
    expect(conferenceRequestsDropped([requested], [joined])).toEqual([]);
    expect(conferenceRequestsDropped([requested], [conversation({ phase: 'wrapUp' })])).toEqual([]);
    expect(conferenceRequestsDropped([joined], [conversation()])).toEqual([]);
  });
});
