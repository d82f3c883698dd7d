import { useCallback, useEffect, useState } from 'react';
import {
  fetchAdminBusinessNumbers,
  fetchAdminIdleCodes,
  fetchAdminQueues,
  fetchAdminUsers,
  fetchAdminWrapUpReasons,
} from '../../api/admin-client.ts';
import { asRequestError, type RequestErrorCode } from '../../api/request-error.ts';
import { EMPTY_ADMIN_DATA, type AdminData } from './resource-drafts.ts';

export interface AdminDataState {
  data: AdminData;
  /** True until the first answer; reloads keep showing the lists they refresh. */
  loading: boolean;
  /** Why the last load of a list failed, by list; absent when it did not. */
  errors: Readonly<Partial<Record<keyof AdminData, RequestErrorCode>>>;
  /** Loads every list again (after a change: forms name queues, reasons... of other lists). */
  reload: () => Promise<void>;
}

const LISTS = ['users', 'queues', 'businessNumbers', 'wrapUpReasons', 'idleCodes'] as const;

type Loaded = { [K in keyof AdminData]: PromiseSettledResult<AdminData[K]> };

/** Each list on its own: one that fails (say, a route not deployed) leaves the others usable. */
async function loadAll(signal?: AbortSignal): Promise<Loaded> {
  const [users, queues, businessNumbers, wrapUpReasons, idleCodes] = await Promise.allSettled([
    fetchAdminUsers(signal),
    fetchAdminQueues(signal),
    fetchAdminBusinessNumbers(signal),
    fetchAdminWrapUpReasons(signal),
    fetchAdminIdleCodes(signal),
  ] as const);
  return { users, queues, businessNumbers, wrapUpReasons, idleCodes };
}

/**
 * The administered resources, loaded together: the forms and delete confirmations need each
 * other's lists (a user's queues, a queue's reasons, what depends on a queue).
 */
export function useAdminData(): AdminDataState {
  const [data, setData] = useState<AdminData>(EMPTY_ADMIN_DATA);
  const [loading, setLoading] = useState(true);
  const [errors, setErrors] = useState<AdminDataState['errors']>({});

  const apply = useCallback((loaded: Loaded) => {
    setData((old) => {
      const pick = <K extends keyof AdminData>(key: K): AdminData[K] => {
        const result = loaded[key];
        return result.status === 'fulfilled' ? result.value : old[key];
      };
      return {
        users: pick('users'),
        queues: pick('queues'),
        businessNumbers: pick('businessNumbers'),
        wrapUpReasons: pick('wrapUpReasons'),
        idleCodes: pick('idleCodes'),
      };
    });
    const failures: Partial<Record<keyof AdminData, RequestErrorCode>> = {};
    for (const key of LISTS) {
      const result = loaded[key];
      if (result.status === 'rejected') failures[key] = asRequestError(result.reason).code;
    }
    setErrors(failures);
    setLoading(false);
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void loadAll(controller.signal).then((loaded) => {
      if (!controller.signal.aborted) apply(loaded);
    });
    return () => controller.abort();
  }, [apply]);

  const reload = useCallback(() => loadAll().then(apply), [apply]);
  return { data, loading, errors, reload };
}
