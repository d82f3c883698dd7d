import { describe, expect, it } from 'vitest';
import { adminSectionsFor, hasAdministrationPage, pageTitleKey, sectionFromHash } from './admin-sections.ts';

describe('Administration page sections', () => {
  it('[S-10][issue-18] the administrator gets the console: Settings first, every resource (labels, CSAT and business hours too), the audit log, then Queues and agents', () => {
    expect(adminSectionsFor('admin')).toEqual([
      'settings',
      'users',
      'queues',
      'businessNumbers',
      'wrapUpReasons',
      'idleCodes',
      'cannedResponses',
      'labels',
      'csat',
      'businessHours',
      'dataProtection',
      'audit',
      'queuesAndAgents',
      'wallboard',
      'liveConversations',
      'search',
      'reports',
    ]);
    expect(hasAdministrationPage('admin')).toBe(true);
  });

  it('[issue-15][issue-16][issue-18] a supervisor gets the live view, Search, Reports and the canned responses but no Settings or console', () => {
    expect(hasAdministrationPage('supervisor')).toBe(true);
    expect(adminSectionsFor('supervisor')).toEqual([
      'queuesAndAgents',
      'wallboard',
      'liveConversations',
      'search',
      'reports',
      'cannedResponses',
    ]);
  });

  it("[issue-16] a supervisor's page is titled Supervision, an administrator's Administration", () => {
    expect(pageTitleKey('supervisor')).toBe('supervision.title');
    expect(pageTitleKey('admin')).toBe('admin.title');
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
