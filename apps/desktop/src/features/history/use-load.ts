import { useCallback, useEffect, useState } from 'react';
import { useErrorText } from '../shell/use-error-text.ts';

/** What a load hook holds: the data once loaded, or the failure's text. */
export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | null;
  /** Fetches again (the refresh control). */
  readonly reload: () => void;
}

/**
 * Fetches with `load` whenever `key` changes (aborting the previous fetch) and on `reload`.
 * `key` null: nothing to load.
 */
export function useLoad<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const errorText = useErrorText();
  const [state, setState] = useState<{ key: string | null; data: T | undefined; error: string | null }>({
    key: null,
    data: undefined,
    error: null,
  });
  const [epoch, setEpoch] = useState(0);
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => setState({ key, data, error: null }),
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ key, data: undefined, error: errorText(error) });
      },
    );
    return () => controller.abort();
    // `load` and `errorText` are read when the key or epoch changes, not on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, epoch]);
  const reload = useCallback(() => setEpoch((e) => e + 1), []);
  const current = state.key === key;
  return { data: current ? state.data : undefined, error: current ? state.error : null, reload };
}
