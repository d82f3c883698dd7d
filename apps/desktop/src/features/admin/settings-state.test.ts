import { describe, expect, it } from 'vitest';
import {
  INITIAL_SETTINGS_STATE,
  settingsReducer,
  shownSettings,
  type SettingsState,
} from './settings-state.ts';

const others = {
  transferNotAcceptedPolicy: 'returnToQueue',
  readReceipts: 'onOpen',
  conferenceSignatures: false,
  disconnectGraceSeconds: 60,
  timeZone: 'UTC',
  showMonitoringToAgents: false,
} as const;
const off = { maskSensitiveData: false, ...others };
const on = { maskSensitiveData: true, ...others };

function ready(state: SettingsState): SettingsState & { kind: 'ready' } {
  if (state.kind !== 'ready') throw new Error(`expected ready, got ${state.kind}`);
  return state;
}

describe('[S-10] settings section state', () => {
  it('loads, then shows what the server has', () => {
    const loaded = settingsReducer(INITIAL_SETTINGS_STATE, { type: 'load.succeeded', settings: off });
    expect(shownSettings(ready(loaded))).toEqual(off);
    expect(ready(loaded).notice).toBeNull();
  });

  it('a failed load keeps the code, and a retry starts over', () => {
    const failed = settingsReducer(INITIAL_SETTINGS_STATE, { type: 'load.failed', code: 'FORBIDDEN' });
    expect(failed).toEqual({ kind: 'loadFailed', code: 'FORBIDDEN' });
    expect(settingsReducer(failed, { type: 'load.started' })).toEqual({ kind: 'loading' });
  });

  it('shows a change at once while it saves, then the saved settings and a saved notice', () => {
    const loaded = settingsReducer(INITIAL_SETTINGS_STATE, { type: 'load.succeeded', settings: off });
    const saving = ready(settingsReducer(loaded, { type: 'save.started', change: on }));
    expect(shownSettings(saving)).toEqual(on);
    expect(saving.pending).toEqual(on);
    const saved = ready(settingsReducer(saving, { type: 'save.succeeded', settings: on }));
    expect(saved).toEqual({
      kind: 'ready',
      saved: on,
      pending: null,
      notice: { kind: 'saved', settings: on, changed: Object.keys(on) },
    });
  });

  it('a failed save falls back to the confirmed settings and says why', () => {
    const loaded = settingsReducer(INITIAL_SETTINGS_STATE, { type: 'load.succeeded', settings: off });
    const saving = settingsReducer(loaded, { type: 'save.started', change: on });
    const failed = ready(settingsReducer(saving, { type: 'save.failed', code: 'NETWORK' }));
    expect(shownSettings(failed)).toEqual(off);
    expect(failed.notice).toEqual({ kind: 'saveFailed', code: 'NETWORK' });
  });

  it('ignores a second change while one is in flight, and clears the old notice on a new save', () => {
    const loaded = settingsReducer(INITIAL_SETTINGS_STATE, { type: 'load.succeeded', settings: off });
    const saving = settingsReducer(loaded, { type: 'save.started', change: on });
    expect(settingsReducer(saving, { type: 'save.started', change: off })).toBe(saving);
    const saved = settingsReducer(saving, { type: 'save.succeeded', settings: on });
    expect(ready(settingsReducer(saved, { type: 'save.started', change: off })).notice).toBeNull();
  });

  it('save events outside the ready state change nothing', () => {
    expect(settingsReducer(INITIAL_SETTINGS_STATE, { type: 'save.started', change: on })).toBe(
      INITIAL_SETTINGS_STATE,
    );
    expect(settingsReducer(INITIAL_SETTINGS_STATE, { type: 'save.succeeded', settings: on })).toBe(
      INITIAL_SETTINGS_STATE,
    );
  });
});
