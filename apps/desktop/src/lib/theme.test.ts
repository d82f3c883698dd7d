import { describe, expect, it } from 'vitest';
import { effectiveTheme, parsePreference, toggledPreference } from './theme.ts';

describe('theme', () => {
  it('follows the system until the agent chooses', () => {
    expect(effectiveTheme(null, true)).toBe('dark');
    expect(effectiveTheme(null, false)).toBe('light');
    expect(effectiveTheme('light', true)).toBe('light');
    expect(effectiveTheme('dark', false)).toBe('dark');
  });

  it('the switch stores the other theme while it differs from the system', () => {
    expect(toggledPreference(null, false)).toBe('dark');
    expect(toggledPreference(null, true)).toBe('light');
  });

  it('switching back to what the system shows follows the system again', () => {
    expect(toggledPreference('dark', false)).toBeNull();
    expect(toggledPreference('light', true)).toBeNull();
  });

  it('an explicit choice equal to the system flips to the other theme', () => {
    expect(toggledPreference('dark', true)).toBe('light');
    expect(toggledPreference('light', false)).toBe('dark');
  });

  it('reads only known stored values', () => {
    expect(parsePreference('dark')).toBe('dark');
    expect(parsePreference('light')).toBe('light');
    expect(parsePreference('auto')).toBeNull();
    expect(parsePreference(null)).toBeNull();
  });
});
