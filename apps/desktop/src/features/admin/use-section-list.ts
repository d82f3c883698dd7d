import { useCallback, useEffect, useState } from 'react';
import { useErrorText } from '../shell/use-error-text.ts';

/**
 * A console section's list: fetched on mount (aborted on unmount), fetched again by `reload` after
 * a change, with the error's text to show instead of the table.
 */
export function useSectionList<T>(fetchList: (signal?: AbortSignal) => Promise<T[]>) {
  const errorText = useErrorText();
  const [rows, setRows] = useState<T[]>([]);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** After a change (an event handler): the list again. */
  const reload = useCallback(async () => {
    try {
      setRows(await fetchList());
      setLoadError(null);
    } catch (caught) {
      setLoadError(errorText(caught));
    }
  }, [errorText, fetchList]);
  useEffect(() => {
    const controller = new AbortController();
    fetchList(controller.signal)
      .then(
        (list) => {
          setRows(list);
          setLoadError(null);
        },
        (caught: unknown) => {
          if (!controller.signal.aborted) setLoadError(errorText(caught));
        },
      )
      .finally(() => setLoading(false));
    return () => controller.abort();
  }, [errorText, fetchList]);
  return { rows, loading, loadError, reload };
}
