import { describe, expect, it } from 'vitest';
import { nextConversationId, shortcutFor, type KeyPress } from './shortcuts.ts';

const press = (over: Partial<KeyPress>): KeyPress => ({
  key: '',
  code: '',
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  inTextField: false,
  ...over,
});

describe('keyboard shortcuts', () => {
  it('Alt+A accepts, Alt+N goes to the next conversation, Alt+E ends, even while typing', () => {
    expect(shortcutFor(press({ key: 'a', code: 'KeyA', altKey: true, inTextField: true }))).toBe('accept');
    expect(shortcutFor(press({ key: 'n', code: 'KeyN', altKey: true }))).toBe('next');
    expect(shortcutFor(press({ key: 'e', code: 'KeyE', altKey: true, inTextField: true }))).toBe('end');
  });

  it("reads the physical key, so macOS's Option characters still match", () => {
    expect(shortcutFor(press({ key: 'å', code: 'KeyA', altKey: true }))).toBe('accept');
    expect(shortcutFor(press({ key: '´', code: 'KeyE', altKey: true }))).toBe('end');
  });

  it('ignores letters without Alt, and Alt with Ctrl, Cmd or Shift', () => {
    expect(shortcutFor(press({ key: 'a', code: 'KeyA' }))).toBeNull();
    expect(shortcutFor(press({ key: 'a', code: 'KeyA', altKey: true, ctrlKey: true }))).toBeNull();
    expect(shortcutFor(press({ key: 'a', code: 'KeyA', altKey: true, metaKey: true }))).toBeNull();
    expect(shortcutFor(press({ key: 'A', code: 'KeyA', altKey: true, shiftKey: true }))).toBeNull();
    expect(shortcutFor(press({ key: 'x', code: 'KeyX', altKey: true }))).toBeNull();
  });

  it('? opens the help outside text fields only, where it is typed as a character', () => {
    expect(shortcutFor(press({ key: '?', code: 'Slash', shiftKey: true }))).toBe('help');
    expect(shortcutFor(press({ key: '?', code: 'Slash', shiftKey: true, inTextField: true }))).toBeNull();
  });

  it('the next conversation follows the selected one and wraps round', () => {
    expect(nextConversationId(['a', 'b', 'c'], 'a')).toBe('b');
    expect(nextConversationId(['a', 'b', 'c'], 'c')).toBe('a');
    expect(nextConversationId(['a', 'b'], null)).toBe('a');
    expect(nextConversationId(['a', 'b'], 'gone')).toBe('a');
    expect(nextConversationId([], 'a')).toBeNull();
  });
});
