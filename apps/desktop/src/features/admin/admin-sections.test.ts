import { describe, expect, it } from 'vitest';
import { adminSectionsFor, hasAdministrationPage, sectionFromHash } from './admin-sections.ts';

describe('Administration page sections', () => {
  it('[S-10] the administrator gets the console: Settings first, every resource, the audit log, then Queues and agents', () => {
    expect(adminSectionsFor('admin')).toEqual([
      'settings',
      'users',
      'queues',
      'businessNumbers',
      'wrapUpReasons',
      'idleCodes',
      'dataProtection',
      'audit',
      'queuesAndAgents',
      'search',
    ]);
    expect(hasAdministrationPage('admin')).toBe(true);
  });

  it('[issue-15] a supervisor gets Queues and agents and Search but no Settings or console', () => {
    expect(hasAdministrationPage('supervisor')).toBe(true);
    expect(adminSectionsFor('supervisor')).toEqual(['queuesAndAgents', 'search']);
  });

  it('an agent without an agent profile gets no Administration page', () => {
    expect(hasAdministrationPage('agent')).toBe(false);
    expect(adminSectionsFor('agent')).toEqual([]);
  });

  it('the URL fragment opens a section the role has; anything else opens the first', () => {
    expect(sectionFromHash('admin', '#audit')).toBe('audit');
    expect(sectionFromHash('admin', '')).toBe('settings');
    expect(sectionFromHash('admin', '#nonsense')).toBe('settings');
    // A supervisor cannot open the console by typing its fragment.
    expect(sectionFromHash('supervisor', '#users')).toBe('queuesAndAgents');
    expect(sectionFromHash('agent', '#users')).toBeNull();
  });
});
