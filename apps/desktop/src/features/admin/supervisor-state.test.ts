import { describe, expect, it } from 'vitest';
import type { AgentView, SupervisorOverview } from '@parlo/protocol';
import {
  canMakeAvailable,
  INITIAL_OVERVIEW_STATE,
  overviewReducer,
  type OverviewState,
} from './supervisor-state.ts';

const T0 = '2025-01-01T10:00:00.000Z';
const T1 = '2025-01-01T10:05:00.000Z';

function agent(kind: 'available' | 'rona', since = T0): AgentView {
  return { userId: 'usr_anna', displayName: 'Anna Rossi', state: { kind, since }, capacity: 2, load: 0 };
}

const overview: SupervisorOverview = {
  queues: [{ id: 'q1', name: 'Customer Support', waiting: 1 }],
  waiting: [
    {
      conversationId: 'c1',
      customerName: 'Sheena Nelson',
      queueId: 'q1',
      queueName: 'Customer Support',
      receivedAt: T0,
      offeredTo: null,
    },
  ],
  agents: [{ ...agent('rona'), connected: true }],
};

const loaded = (): OverviewState =>
  overviewReducer(INITIAL_OVERVIEW_STATE, { type: 'refresh.succeeded', overview });

describe('Queues and agents: overview state', () => {
  it('starts loading, then shows the overview', () => {
    expect(INITIAL_OVERVIEW_STATE).toEqual({ overview: null, loading: true, error: null });
    expect(loaded()).toEqual({ overview, loading: false, error: null });
  });

  it('a failed refresh keeps the last overview beside the error; a success clears it', () => {
    const failed = overviewReducer(loaded(), { type: 'refresh.failed', code: 'NETWORK' });
    expect(failed.overview).toBe(overview);
    expect(failed.error).toBe('NETWORK');
    expect(overviewReducer(failed, { type: 'refresh.succeeded', overview }).error).toBeNull();
  });

  it('a refresh already loading returns the same state (no re-render)', () => {
    const loading = overviewReducer(loaded(), { type: 'refresh.started' });
    expect(overviewReducer(loading, { type: 'refresh.started' })).toBe(loading);
  });

  it('[S-4] the answer of "Make available" shows at once, keeping the connected flag', () => {
    const changed = overviewReducer(loaded(), { type: 'agent.changed', agent: agent('available', T1) });
    expect(changed.overview?.agents).toEqual([{ ...agent('available', T1), connected: true }]);
    expect(changed.overview?.waiting).toBe(overview.waiting);
  });

  it('a change before anything loaded is ignored', () => {
    expect(
      overviewReducer(INITIAL_OVERVIEW_STATE, { type: 'agent.changed', agent: agent('available') }),
    ).toBe(INITIAL_OVERVIEW_STATE);
  });
});

describe('canMakeAvailable', () => {
  it('[S-4] an agent in RONA or Idle can be made available; an Available one cannot', () => {
    expect(canMakeAvailable({ state: { kind: 'rona', since: T0 } })).toBe(true);
    expect(canMakeAvailable({ state: { kind: 'idle', idleCodeId: 'break', since: T0 } })).toBe(true);
    expect(canMakeAvailable({ state: { kind: 'available', since: T0 } })).toBe(false);
  });
});
