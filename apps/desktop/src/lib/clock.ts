import { useSyncExternalStore } from 'react';

/**
 * One shared ticker for every timer on screen (time in state, offer timers, the 24-hour window),
 * running only while something displays one.
 *
 * It ticks four times a second although timers show whole seconds: each timer counts from its
 * own instant, so a 1 s tick could leave a display almost a second behind the truth.
 */
const TICK_MS = 250;

let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    timer = setInterval(() => {
      now = Date.now();
      notify();
    }, TICK_MS);
  }
  // A timer that mounts between ticks rendered with a slightly old `now`: refresh it at once.
  const fresh = Date.now();
  if (fresh - now > 20) {
    now = fresh;
    queueMicrotask(notify);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

function getNow(): number {
  return now;
}

/** The current time in ms, re-rendering the caller a few times a second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getNow);
}
