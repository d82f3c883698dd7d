import type { CollaborationTarget, ErrorCode, TargetsResponse } from '@parlo/protocol';
import type { RequestErrorCode } from '../../api/request-error.ts';

/** Which list the agent picks from (S-15): queues or agents. */
export type TargetKind = CollaborationTarget['kind'];

/** One row of either list, as the dialog shows it. */
export interface TargetOption {
  readonly target: CollaborationTarget;
  readonly id: string;
  readonly name: string;
  /** Agents only: how many more conversations they can take. */
  readonly freeSlots: number | null;
}

/** The lists as last fetched, or why they could not be. */
export type TargetsLoad =
  | { readonly status: 'loading'; readonly previous: TargetsResponse | null }
  | { readonly status: 'loaded'; readonly targets: TargetsResponse }
  | { readonly status: 'failed'; readonly code: RequestErrorCode; readonly previous: TargetsResponse | null };

/**
 * The Transfer request / Conference request dialog (S-14..S-16, S-19) as data. Pure, so the
 * rules (filtering, refresh keeping a still-valid choice, one submit at a time) are unit-tested.
 */
export interface TargetPickerState {
  readonly kind: TargetKind;
  readonly query: string;
  /** The chosen queue or agent id, within `kind`. */
  readonly chosenId: string | null;
  readonly load: TargetsLoad;
  /** Bumped by every refresh request: the component refetches when it changes (S-16). */
  readonly loadEpoch: number;
  readonly submitting: boolean;
  readonly submitError: RequestErrorCode | null;
}

export type TargetPickerAction =
  | { readonly type: 'kind.changed'; readonly kind: TargetKind }
  | { readonly type: 'query.changed'; readonly query: string }
  | { readonly type: 'target.chosen'; readonly id: string }
  | { readonly type: 'refresh.requested' }
  | { readonly type: 'targets.loaded'; readonly epoch: number; readonly targets: TargetsResponse }
  | { readonly type: 'targets.failed'; readonly epoch: number; readonly code: RequestErrorCode }
  | { readonly type: 'submit.started' }
  | { readonly type: 'submit.failed'; readonly code: RequestErrorCode };

export const initialTargetPickerState: TargetPickerState = {
  kind: 'queue',
  query: '',
  chosenId: null,
  load: { status: 'loading', previous: null },
  loadEpoch: 0,
  submitting: false,
  submitError: null,
};

/**
 * The server refuses a target that stopped being valid between the fetch and the submit: the
 * choice is dropped and the lists fetched again, so the agent sees what can take it now.
 */
const STALE_TARGET_CODES: ReadonlySet<RequestErrorCode> = new Set<ErrorCode>(['TRANSFER_TARGET_UNAVAILABLE']);

export function targetPickerReducer(state: TargetPickerState, action: TargetPickerAction): TargetPickerState {
  switch (action.type) {
    case 'kind.changed':
      if (action.kind === state.kind) return state;
      // A queue id means nothing in the agent list, and a query typed for one list rarely fits the other.
      return { ...state, kind: action.kind, query: '', chosenId: null, submitError: null };
    case 'query.changed': {
      const next = { ...state, query: action.query };
      // A choice the filter hides would be submitted unseen: drop it.
      const stillShown = visibleOptions(next).some((o) => o.id === state.chosenId);
      return stillShown ? next : { ...next, chosenId: null };
    }
    case 'target.chosen':
      if (state.submitting) return state;
      return { ...state, chosenId: action.id, submitError: null };
    case 'refresh.requested':
      return {
        ...state,
        load: { status: 'loading', previous: currentTargets(state) },
        loadEpoch: state.loadEpoch + 1,
      };
    case 'targets.loaded': {
      // An answer to an older request than the newest one is stale: the newer one decides.
      if (action.epoch !== state.loadEpoch) return state;
      const next: TargetPickerState = { ...state, load: { status: 'loaded', targets: action.targets } };
      const stillThere = optionsOf(next.kind, action.targets).some((o) => o.id === state.chosenId);
      return stillThere ? next : { ...next, chosenId: null };
    }
    case 'targets.failed':
      if (action.epoch !== state.loadEpoch) return state;
      return { ...state, load: { status: 'failed', code: action.code, previous: currentTargets(state) } };
    case 'submit.started':
      // The second click of a double click finds the first one in flight: one request only.
      if (!canSubmit(state)) return state;
      return { ...state, submitting: true, submitError: null };
    case 'submit.failed': {
      const failed = { ...state, submitting: false, submitError: action.code };
      if (!STALE_TARGET_CODES.has(action.code)) return failed;
      return {
        ...failed,
        chosenId: null,
        load: { status: 'loading', previous: currentTargets(state) },
        loadEpoch: state.loadEpoch + 1,
      };
    }
  }
}

/** The last lists we have, even while a refresh is in flight or after it failed. */
export function currentTargets(state: TargetPickerState): TargetsResponse | null {
  switch (state.load.status) {
    case 'loaded':
      return state.load.targets;
    case 'loading':
    case 'failed':
      return state.load.previous;
  }
}

function optionsOf(kind: TargetKind, targets: TargetsResponse | null): readonly TargetOption[] {
  if (!targets) return [];
  switch (kind) {
    case 'queue':
      return targets.queues.map((q) => ({
        target: { kind: 'queue', queueId: q.id },
        id: q.id,
        name: q.name,
        freeSlots: null,
      }));
    case 'agent':
      return targets.agents.map((a) => ({
        target: { kind: 'agent', agentId: a.id },
        id: a.id,
        name: a.displayName,
        freeSlots: a.freeSlots,
      }));
  }
}

function fold(text: string): string {
  // Accent- and case-insensitive, so "nicolo" finds "Nicolò".
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/** S-15: the options of the chosen list whose name contains every word typed, in server order. */
export function visibleOptions(state: TargetPickerState): readonly TargetOption[] {
  const options = optionsOf(state.kind, currentTargets(state));
  const words = fold(state.query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return options;
  return options.filter((o) => {
    const name = fold(o.name);
    return words.every((w) => name.includes(w));
  });
}

/** The chosen target, if it is still in the list shown. */
export function chosenTarget(state: TargetPickerState): TargetOption | null {
  return visibleOptions(state).find((o) => o.id === state.chosenId) ?? null;
}

/** Submit is enabled once a target is chosen, and never twice at once (a double click submits once). */
export function canSubmit(state: TargetPickerState): boolean {
  return !state.submitting && chosenTarget(state) !== null;
}
