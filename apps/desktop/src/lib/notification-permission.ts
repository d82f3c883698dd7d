import { useSyncExternalStore } from 'react';

/**
 * The browser's notification permission as a tiny store, so the header button disappears as soon
 * as the agent answers the prompt. Permission is only ever requested from a user gesture (the
 * header's "Enable notifications" button, choosing Available), never on page load.
 */

export type NotificationPermissionState = NotificationPermission | 'unsupported';

const listeners = new Set<() => void>();

function notifyAll(): void {
  for (const listener of listeners) listener();
}

/** The current permission; 'unsupported' where the browser has no Notification API. */
export function notificationPermission(): NotificationPermissionState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks for permission if it was never given or refused; call it from a user gesture. */
export function requestNotificationPermission(): void {
  if (notificationPermission() !== 'default') return;
  Notification.requestPermission().then(notifyAll, (error: unknown) => {
    console.warn('Notification permission request failed', error);
    notifyAll();
  });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // The agent may change it in the browser's site settings meanwhile: look again on return.
  window.addEventListener('focus', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('focus', listener);
  };
}

/** The notification permission, re-rendering when it changes. */
export function useNotificationPermission(): NotificationPermissionState {
  return useSyncExternalStore(subscribe, notificationPermission);
}
