import { useEffect } from 'react';
import type { LabelView } from '@parlo/protocol';
import { useDesktopState, useDispatch } from '../../realtime/realtime-context.ts';
import { fetchAssignedLabels } from './labels-api.ts';

const NONE: Readonly<Record<string, readonly LabelView[]>> = {};

/**
 * Issue 18: the labels of the agent's open conversations. A snapshot does not carry them: they are
 * fetched when the set of open conversations changes or a snapshot arrives, and kept up to date by
 * the `conversation.labels` events pushed afterwards. A failed fetch only leaves chips out.
 */
export function useConversationLabels(): Readonly<Record<string, readonly LabelView[]>> {
  const { conversations, snapshotEpoch, labels } = useDesktopState();
  const dispatch = useDispatch();
  const key = conversations.map((c) => c.id).join(',');
  useEffect(() => {
    if (key === '') return;
    const abort = new AbortController();
    fetchAssignedLabels(key.split(','), abort.signal).then(
      (loaded) => dispatch({ type: 'labels.loaded', conversations: loaded }),
      () => {},
    );
    return () => abort.abort();
  }, [key, snapshotEpoch, dispatch]);
  return labels ?? NONE;
}
