import { describe, expect, it } from 'vitest';
import type { AgentView, ConversationView } from '@parlo/protocol';
import { wrapUpsToFinish } from './wrap-up-hint.ts';

const since = '2026-12-04T10:00:00.000Z';
const agent = (over: Partial<AgentView>): AgentView => ({
  userId: 'u1',
  displayName: 'Anna',
  state: { kind: 'available', since },
  capacity: 1,
  load: 0,
  ...over,
});
// Only the phase matters to the hint.
const conversation = (phase: ConversationView['phase']) => ({ phase }) as ConversationView;

describe('the wrap-up hint', () => {
  it('an Available agent at capacity with one wrap-up pending must finish 1', () => {
    expect(wrapUpsToFinish(agent({ capacity: 1, load: 1 }), [conversation('wrapUp')])).toBe(1);
  });

  it('counts only the wrap-ups that free the first slot', () => {
    const two = [conversation('wrapUp'), conversation('wrapUp')];
    expect(wrapUpsToFinish(agent({ capacity: 2, load: 2 }), two)).toBe(1);
    expect(wrapUpsToFinish(agent({ capacity: 2, load: 3 }), [...two, conversation('active')])).toBe(2);
  });

  it('says nothing while a slot is free: offers still come', () => {
    expect(wrapUpsToFinish(agent({ capacity: 2, load: 1 }), [conversation('wrapUp')])).toBe(0);
  });

  it('says nothing when active conversations, not wrap-ups, fill the capacity', () => {
    expect(wrapUpsToFinish(agent({ capacity: 1, load: 1 }), [conversation('active')])).toBe(0);
  });

  it('says nothing unless the agent is Available', () => {
    const idle = agent({ state: { kind: 'idle', idleCodeId: 'break', since }, capacity: 1, load: 1 });
    expect(wrapUpsToFinish(idle, [conversation('wrapUp')])).toBe(0);
  });
});
