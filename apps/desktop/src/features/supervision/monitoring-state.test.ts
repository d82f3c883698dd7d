import { describe, expect, it } from 'vitest';
import { applyEvent, initialDesktopState } from '../../realtime/desktop-state.ts';

describe('[issue-16] who monitors a conversation, as the agent’s desktop keeps it', () => {
  it('keeps the latest list per conversation and clears it when monitoring stops', () => {
    let state = applyEvent(initialDesktopState, {
      type: 'event',
      seq: 1,
      event: { type: 'conversation.monitoring', conversationId: 'c1', supervisors: ['Sofia Neri'] },
    });
    expect(state.monitoredBy).toEqual({ c1: ['Sofia Neri'] });
    state = applyEvent(state, {
      type: 'event',
      seq: 2,
      event: { type: 'conversation.monitoring', conversationId: 'c1', supervisors: [] },
    });
    expect(state.monitoredBy).toEqual({ c1: [] });
    expect(state.lastSeq).toBe(2);
  });
});
