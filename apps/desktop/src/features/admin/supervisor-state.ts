import type { AgentView, SupervisedAgentView, SupervisorOverview } from '@parlo/protocol';
import type { RequestErrorCode } from '../../api/request-error.ts';

/**
 * The "Queues and agents" section's state. A failed refresh keeps the last overview on screen
 * (a supervisor watching a queue should not lose it to one network hiccup) next to the error.
 */
export interface OverviewState {
  readonly overview: SupervisorOverview | null;
  readonly loading: boolean;
  readonly error: RequestErrorCode | null;
}

export type OverviewEvent =
  | { type: 'refresh.started' }
  | { type: 'refresh.succeeded'; overview: SupervisorOverview }
  | { type: 'refresh.failed'; code: RequestErrorCode }
  /** The answer of a supervisor's state change: shown at once, before the next refresh. */
  | { type: 'agent.changed'; agent: AgentView };

export const INITIAL_OVERVIEW_STATE: OverviewState = { overview: null, loading: true, error: null };

export function overviewReducer(state: OverviewState, event: OverviewEvent): OverviewState {
  switch (event.type) {
    case 'refresh.started':
      return state.loading ? state : { ...state, loading: true };
    case 'refresh.succeeded':
      return { overview: event.overview, loading: false, error: null };
    case 'refresh.failed':
      return { ...state, loading: false, error: event.code };
    case 'agent.changed': {
      if (!state.overview) return state;
      const agents = state.overview.agents.map((a): SupervisedAgentView =>
        a.userId === event.agent.userId ? { ...event.agent, connected: a.connected } : a,
      );
      return { ...state, overview: { ...state.overview, agents } };
    }
  }
}

/**
 * S-4: which agents a supervisor may put back to Available from this page: those in RONA (the
 * point of the button) and those Idle. An Available agent needs nothing.
 */
export function canMakeAvailable(agent: Pick<AgentView, 'state'>): boolean {
  return agent.state.kind === 'rona' || agent.state.kind === 'idle';
}
