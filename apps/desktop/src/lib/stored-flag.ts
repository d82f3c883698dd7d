import { useCallback, useSyncExternalStore } from 'react';

/** Listeners of this tab, by key: a write here re-renders every component reading that key. */
const listeners = new Map<string, Set<() => void>>();

function read(key: string): boolean {
  try {
    return window.localStorage.getItem(key) === 'true';
  } catch {
    // Storage blocked (privacy mode, policy): the flag is off.
    return false;
  }
}

function write(key: string, on: boolean): void {
  try {
    if (on) window.localStorage.setItem(key, 'true');
    else window.localStorage.removeItem(key);
  } catch {
    console.warn(`Could not save the preference ${key}`);
  }
  for (const listener of listeners.get(key) ?? []) listener();
}

function subscriber(key: string): (listener: () => void) => () => void {
  return (listener) => {
    const own = listeners.get(key) ?? new Set();
    listeners.set(key, own);
    own.add(listener);
    // Another tab of the same desktop changed it.
    const onStorage = (e: StorageEvent) => {
      if (e.key === key) listener();
    };
    window.addEventListener('storage', onStorage);
    return () => {
      own.delete(listener);
      window.removeEventListener('storage', onStorage);
    };
  };
}

const subscribers = new Map<string, (listener: () => void) => () => void>();

/**
 * A choice of the agent kept in this browser across sign-ins (localStorage, off by default), and
 * its setter: every tab of the desktop follows it.
 */
export function useStoredFlag(key: string): [boolean, (on: boolean) => void] {
  let subscribe = subscribers.get(key);
  if (!subscribe) {
    subscribe = subscriber(key);
    subscribers.set(key, subscribe);
  }
  const on = useSyncExternalStore(subscribe, () => read(key));
  return [on, useCallback((next: boolean) => write(key, next), [key])];
}
