import { describe, expect, it } from 'vitest';
import type { TargetsResponse } from '@parlo/protocol';
import {
  canSubmit,
  chosenTarget,
  initialTargetPickerState,
  targetPickerReducer,
  visibleOptions,
  type TargetPickerAction,
  type TargetPickerState,
} from './target-picker-state.ts';

const targets: TargetsResponse = {
  queues: [
    { id: 'q_support', name: 'Customer Support' },
    { id: 'q_sales', name: 'Sales' },
    { id: 'q_billing', name: 'Fatturazione e pagamenti' },
  ],
  agents: [
    { id: 'usr_marco', displayName: 'Marco Bianchi', freeSlots: 4 },
    { id: 'usr_giulia', displayName: 'Giulia Verdi', freeSlots: 1 },
    { id: 'usr_nicolo', displayName: 'Nicolò Ferrari', freeSlots: 2 },
  ],
};

function run(...actions: TargetPickerAction[]): TargetPickerState {
  return actions.reduce(targetPickerReducer, initialTargetPickerState);
}

const loaded: TargetPickerAction = { type: 'targets.loaded', epoch: 0, targets };

describe('[S-15] choosing a queue or an agent, with a search that filters as you type', () => {
  it('starts on the queue list, loading, with nothing chosen and Submit disabled', () => {
    expect(initialTargetPickerState.kind).toBe('queue');
    expect(initialTargetPickerState.load.status).toBe('loading');
    expect(visibleOptions(initialTargetPickerState)).toEqual([]);
    expect(canSubmit(initialTargetPickerState)).toBe(false);
  });

  it('shows the queues, or the agents with their spare capacity, in server order', () => {
    const queues = run(loaded);
    expect(visibleOptions(queues).map((o) => o.name)).toEqual([
      'Customer Support',
      'Sales',
      'Fatturazione e pagamenti',
    ]);
    const agents = run(loaded, { type: 'kind.changed', kind: 'agent' });
    expect(visibleOptions(agents).map((o) => [o.name, o.freeSlots])).toEqual([
      ['Marco Bianchi', 4],
      ['Giulia Verdi', 1],
      ['Nicolò Ferrari', 2],
    ]);
    expect(visibleOptions(agents)[0]?.target).toEqual({ kind: 'agent', agentId: 'usr_marco' });
  });

  it('filters case- and accent-insensitively, every word typed must match', () => {
    const agents = run(loaded, { type: 'kind.changed', kind: 'agent' });
    const typed = (query: string) =>
      visibleOptions(targetPickerReducer(agents, { type: 'query.changed', query })).map((o) => o.id);
    expect(typed('MAR')).toEqual(['usr_marco']);
    expect(typed('nicolo')).toEqual(['usr_nicolo']);
    expect(typed('i')).toEqual(['usr_marco', 'usr_giulia', 'usr_nicolo']);
    expect(typed('giulia bianchi')).toEqual([]);
    expect(typed('   ')).toEqual(['usr_marco', 'usr_giulia', 'usr_nicolo']);
  });

  it('Submit is enabled once a target is chosen, and the choice is a queue or an agent target', () => {
    const chosen = run(loaded, { type: 'target.chosen', id: 'q_sales' });
    expect(canSubmit(chosen)).toBe(true);
    expect(chosenTarget(chosen)?.target).toEqual({ kind: 'queue', queueId: 'q_sales' });
  });

  it('switching between Queue and Agent clears the choice and the search', () => {
    const state = run(
      loaded,
      { type: 'query.changed', query: 'sal' },
      { type: 'target.chosen', id: 'q_sales' },
      { type: 'kind.changed', kind: 'agent' },
    );
    expect(state.query).toBe('');
    expect(state.chosenId).toBeNull();
    expect(canSubmit(state)).toBe(false);
  });

  it('a choice the search hides is dropped, so nothing unseen is submitted', () => {
    const chosen = run(loaded, { type: 'target.chosen', id: 'q_sales' });
    expect(targetPickerReducer(chosen, { type: 'query.changed', query: 'sa' }).chosenId).toBe('q_sales');
    const hidden = targetPickerReducer(chosen, { type: 'query.changed', query: 'support' });
    expect(hidden.chosenId).toBeNull();
    expect(canSubmit(hidden)).toBe(false);
  });
});

describe('[S-16] the refresh control fetches the latest lists', () => {
  it('a refresh keeps showing the old lists while it loads, then shows the new ones', () => {
    const refreshing = run(loaded, { type: 'refresh.requested' });
    expect(refreshing.loadEpoch).toBe(1);
    expect(refreshing.load.status).toBe('loading');
    expect(visibleOptions(refreshing)).toHaveLength(3);
    const fresher: TargetsResponse = { queues: [{ id: 'q_sales', name: 'Sales' }], agents: [] };
    const done = targetPickerReducer(refreshing, { type: 'targets.loaded', epoch: 1, targets: fresher });
    expect(visibleOptions(done).map((o) => o.id)).toEqual(['q_sales']);
  });

  it('keeps a choice that is still offered and drops one that is gone (an agent who went Idle)', () => {
    const chosen = run(
      loaded,
      { type: 'kind.changed', kind: 'agent' },
      { type: 'target.chosen', id: 'usr_giulia' },
      { type: 'refresh.requested' },
    );
    const stillThere = targetPickerReducer(chosen, { type: 'targets.loaded', epoch: 1, targets });
    expect(stillThere.chosenId).toBe('usr_giulia');
    const gone = targetPickerReducer(chosen, {
      type: 'targets.loaded',
      epoch: 1,
      targets: { ...targets, agents: targets.agents.filter((a) => a.id !== 'usr_giulia') },
    });
    expect(gone.chosenId).toBeNull();
    expect(canSubmit(gone)).toBe(false);
  });

  it('an answer to an older fetch than the latest refresh is ignored', () => {
    const state = run({ type: 'refresh.requested' });
    expect(targetPickerReducer(state, loaded)).toBe(state);
    expect(targetPickerReducer(state, { type: 'targets.failed', epoch: 0, code: 'NETWORK' })).toBe(state);
  });

  it('a failed refresh reports the error and keeps the lists already shown', () => {
    const failed = run(
      loaded,
      { type: 'refresh.requested' },
      { type: 'targets.failed', epoch: 1, code: 'NETWORK' },
    );
    expect(failed.load).toMatchObject({ status: 'failed', code: 'NETWORK' });
    expect(visibleOptions(failed)).toHaveLength(3);
  });
});

describe('[S-17] submitting a transfer or a conference request', () => {
  const ready = run(loaded, { type: 'target.chosen', id: 'q_support' });

  it('a double click submits once: while in flight Submit is disabled and a second start is ignored', () => {
    const started = targetPickerReducer(ready, { type: 'submit.started' });
    expect(started.submitting).toBe(true);
    expect(canSubmit(started)).toBe(false);
    expect(targetPickerReducer(started, { type: 'submit.started' })).toBe(started);
    expect(targetPickerReducer(started, { type: 'target.chosen', id: 'q_sales' })).toBe(started);
  });

  it('nothing chosen: submit does not start', () => {
    const none = run(loaded);
    expect(targetPickerReducer(none, { type: 'submit.started' })).toBe(none);
  });

  it('a refusal is shown in the dialog and the choice stays, ready to try again', () => {
    const failed = run(
      loaded,
      { type: 'target.chosen', id: 'q_support' },
      { type: 'submit.started' },
      {
        type: 'submit.failed',
        code: 'CONVERSATION_NOT_ACTIVE',
      },
    );
    expect(failed.submitError).toBe('CONVERSATION_NOT_ACTIVE');
    expect(failed.submitting).toBe(false);
    expect(canSubmit(failed)).toBe(true);
  });

  it('a target that became unavailable is dropped and the lists are fetched again', () => {
    const failed = targetPickerReducer(targetPickerReducer(ready, { type: 'submit.started' }), {
      type: 'submit.failed',
      code: 'TRANSFER_TARGET_UNAVAILABLE',
    });
    expect(failed.submitError).toBe('TRANSFER_TARGET_UNAVAILABLE');
    expect(failed.chosenId).toBeNull();
    expect(failed.loadEpoch).toBe(ready.loadEpoch + 1);
    expect(failed.load.status).toBe('loading');
    // The old lists stay on screen until the new ones arrive.
    expect(visibleOptions(failed)).toHaveLength(3);
  });

  it('choosing again clears the error message', () => {
    const failed = run(
      loaded,
      { type: 'target.chosen', id: 'q_support' },
      { type: 'submit.started' },
      {
        type: 'submit.failed',
        code: 'TRANSFER_TARGET_UNAVAILABLE',
      },
    );
    expect(targetPickerReducer(failed, { type: 'target.chosen', id: 'q_sales' }).submitError).toBeNull();
  });
});
