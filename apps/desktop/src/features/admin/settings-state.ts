import type { Settings } from '@parlo/protocol';
import type { RequestErrorCode } from '../../api/request-error.ts';

/** The outcome of the last save, shown in the section's status line. */
export type SaveNotice =
  | {
      kind: 'saved';
      settings: Settings;
      /** Which settings the save changed: the notice names them. */
      changed: readonly (keyof Settings)[];
    }
  | { kind: 'saveFailed'; code: RequestErrorCode };

export type SettingsState =
  | { kind: 'loading' }
  | { kind: 'loadFailed'; code: RequestErrorCode }
  | {
      kind: 'ready';
      /** What the server last confirmed. */
      saved: Settings;
      /** A change on its way to the server, shown meanwhile; null when none. */
      pending: Partial<Settings> | null;
      notice: SaveNotice | null;
    };

export type SettingsEvent =
  | { type: 'load.started' }
  | { type: 'load.succeeded'; settings: Settings }
  | { type: 'load.failed'; code: RequestErrorCode }
  | { type: 'save.started'; change: Partial<Settings> }
  | { type: 'save.succeeded'; settings: Settings }
  | { type: 'save.failed'; code: RequestErrorCode };

export const INITIAL_SETTINGS_STATE: SettingsState = { kind: 'loading' };

/**
 * The Settings section's state. One save at a time: a change while one is in flight is ignored
 * (the control says it is busy). A failed save falls back to what the server last confirmed.
 */
export function settingsReducer(state: SettingsState, event: SettingsEvent): SettingsState {
  switch (event.type) {
    case 'load.started':
      return { kind: 'loading' };
    case 'load.succeeded':
      return { kind: 'ready', saved: event.settings, pending: null, notice: null };
    case 'load.failed':
      return { kind: 'loadFailed', code: event.code };
    case 'save.started':
      if (state.kind !== 'ready' || state.pending !== null) return state;
      return { ...state, pending: event.change, notice: null };
    case 'save.succeeded':
      if (state.kind !== 'ready') return state;
      return {
        kind: 'ready',
        saved: event.settings,
        pending: null,
        notice: {
          kind: 'saved',
          settings: event.settings,
          changed: Object.keys(state.pending ?? {}) as (keyof Settings)[],
        },
      };
    case 'save.failed':
      if (state.kind !== 'ready') return state;
      return { ...state, pending: null, notice: { kind: 'saveFailed', code: event.code } };
  }
}

/** What the controls show: the confirmed settings with any change in flight applied. */
export function shownSettings(state: SettingsState & { kind: 'ready' }): Settings {
  return { ...state.saved, ...state.pending };
}
