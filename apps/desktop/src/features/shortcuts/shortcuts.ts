import { useEffect, useEffectEvent } from 'react';

/** What a keyboard shortcut of the agent desktop does. */
export type ShortcutAction = 'accept' | 'next' | 'end' | 'help';

/** The keys of a keydown that decide a shortcut, and whether it happened in a text field. */
export interface KeyPress {
  readonly key: string;
  readonly code: string;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  /** The focus was in a text input, a textarea, a select or an editable element. */
  readonly inTextField: boolean;
}

/** The shortcuts, in the order the help lists them, with their keys as shown to the agent. */
export const SHORTCUTS: readonly { action: ShortcutAction; keys: readonly string[] }[] = [
  { action: 'accept', keys: ['Alt', 'A'] },
  { action: 'next', keys: ['Alt', 'N'] },
  { action: 'end', keys: ['Alt', 'E'] },
  { action: 'help', keys: ['?'] },
];

/**
 * The action of a keydown, or null. Alt+letter works while typing in the composer (it types
 * nothing there on Windows and Linux; `code` is read so that macOS's Option characters and other
 * keyboard layouts still match); `?` opens the help only outside text fields, where it is a
 * character like any other.
 */
export function shortcutFor(press: KeyPress): ShortcutAction | null {
  if (press.ctrlKey || press.metaKey) return null;
  if (press.altKey && !press.shiftKey) {
    switch (press.code) {
      case 'KeyA':
        return 'accept';
      case 'KeyN':
        return 'next';
      case 'KeyE':
        return 'end';
      default:
        return null;
    }
  }
  if (!press.altKey && press.key === '?' && !press.inTextField) return 'help';
  return null;
}

/** The conversation after `selectedId` in the task list, wrapping round; null when there is none. */
export function nextConversationId(ids: readonly string[], selectedId: string | null): string | null {
  if (ids.length === 0) return null;
  const at = selectedId === null ? -1 : ids.indexOf(selectedId);
  return ids[(at + 1) % ids.length] ?? null;
}

function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return (
    target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type)
  );
}

const handlers = new Map<ShortcutAction, Set<() => void>>();
let listening = false;

function dispatchShortcut(event: KeyboardEvent): void {
  if (event.defaultPrevented || event.isComposing) return;
  const action = shortcutFor({
    key: event.key,
    code: event.code,
    altKey: event.altKey,
    ctrlKey: event.ctrlKey,
    metaKey: event.metaKey,
    shiftKey: event.shiftKey,
    inTextField: inTextField(event.target),
  });
  const subscribed = action === null ? undefined : handlers.get(action);
  if (!subscribed || subscribed.size === 0) return;
  event.preventDefault();
  for (const handler of [...subscribed]) handler();
}

/**
 * Runs `handler` on the shortcut `action` while `enabled`. One window listener serves them all;
 * each feature subscribes to what it can do (the first offer card accepts, the open conversation
 * ends, the workspace moves to the next conversation and shows the help).
 */
export function useShortcut(action: ShortcutAction, handler: () => void, enabled = true): void {
  const run = useEffectEvent(handler);
  useEffect(() => {
    if (!enabled) return;
    const listener = () => run();
    const set = handlers.get(action) ?? new Set();
    handlers.set(action, set);
    set.add(listener);
    if (!listening) {
      window.addEventListener('keydown', dispatchShortcut);
      listening = true;
    }
    return () => {
      set.delete(listener);
    };
  }, [action, enabled]);
}
