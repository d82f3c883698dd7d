import { useCallback, useEffect, useRef } from 'react';
import { asRequestError, type RequestErrorCode } from '../api/request-error.ts';

/** What a periodically refreshed panel hears about each load. */
export type LoadEvent<T> =
  | { readonly kind: 'started' }
  | { readonly kind: 'succeeded'; readonly value: T }
  | { readonly kind: 'failed'; readonly code: RequestErrorCode };

/**
 * A load for a panel that refreshes on a timer and on demand: a periodic tick (`force` false) is
 * skipped while one is in flight; a forced load aborts it and takes its place. Only the latest
 * load reports, so a slow old answer never overwrites a newer one. Pass a stable `fetcher` and
 * `report` (a module function; a `useCallback` over `dispatch`). Unmounting aborts the load.
 */
export function useSingleFlightLoad<T>(
  fetcher: (signal: AbortSignal) => Promise<T>,
  report: (event: LoadEvent<T>) => void,
): (force: boolean) => void {
  const inFlight = useRef<AbortController | null>(null);
  // Leaving the page abandons whatever is in flight.
  useEffect(
    () => () => {
      inFlight.current?.abort();
      inFlight.current = null;
    },
    [],
  );
  return useCallback(
    (force: boolean) => {
      if (inFlight.current && !force) return;
      inFlight.current?.abort();
      const controller = new AbortController();
      inFlight.current = controller;
      report({ kind: 'started' });
      fetcher(controller.signal).then(
        (value) => {
          if (inFlight.current !== controller) return;
          inFlight.current = null;
          report({ kind: 'succeeded', value });
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          inFlight.current = null;
          report({ kind: 'failed', code: asRequestError(error).code });
        },
      );
    },
    [fetcher, report],
  );
}
