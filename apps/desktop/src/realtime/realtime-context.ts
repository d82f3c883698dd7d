import { createContext, useContext, useSyncExternalStore } from 'react';
import type { DesktopState, LocalAction } from './desktop-state.ts';
import type { RealtimeClient } from './realtime-client.ts';

export const RealtimeContext = createContext<RealtimeClient | null>(null);

function useClient(): RealtimeClient {
  const client = useContext(RealtimeContext);
  if (!client) throw new Error('useDesktopState must be used inside <RealtimeContext.Provider>');
  return client;
}

/** The live DesktopState; re-renders on every change. */
export function useDesktopState(): DesktopState {
  const client = useClient();
  return useSyncExternalStore(client.subscribe, client.getState);
}

/** Dispatches local changes (REST answers, optimistic bubbles) into the store. */
export function useDispatch(): (action: LocalAction) => void {
  return useClient().dispatch;
}
