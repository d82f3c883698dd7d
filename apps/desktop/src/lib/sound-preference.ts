import { useCallback, useSyncExternalStore } from 'react';

/** The agent's "Mute offer sound" choice, kept in this browser across sign-ins. */
const KEY = 'parlo.offerSound.muted';

const listeners = new Set<() => void>();

function read(): boolean {
  try {
    return window.localStorage.getItem(KEY) === 'true';
  } catch {
    // Storage blocked (privacy mode, policy): the ring stays on.
    return false;
  }
}

function write(muted: boolean): void {
  try {
    if (muted) window.localStorage.setItem(KEY, 'true');
    else window.localStorage.removeItem(KEY);
  } catch {
    console.warn('Could not save the sound preference');
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab of the same desktop changed it.
  const onStorage = (e: StorageEvent) => {
    if (e.key === KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** Whether the offer sound is muted, and the setter (persisted in localStorage). */
export function useOfferSoundMuted(): [boolean, (muted: boolean) => void] {
  const muted = useSyncExternalStore(subscribe, read);
  return [muted, useCallback((next: boolean) => write(next), [])];
}
