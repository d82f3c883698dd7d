import { describe, expect, it } from 'vitest';
import { adminSectionsFor, hasAdministrationPage } from './admin-sections.ts';

describe('Administration page sections', () => {
  it('[S-10] the administrator gets Queues and agents, then Settings', () => {
    expect(adminSectionsFor('admin')).toEqual(['queuesAndAgents', 'settings']);
    expect(hasAdministrationPage('admin')).toBe(true);
  });

  it('a supervisor gets Queues and agents but no Settings', () => {
    expect(hasAdministrationPage('supervisor')).toBe(true);
    expect(adminSectionsFor('supervisor')).toEqual(['queuesAndAgents']);
  });

  it('an agent without an agent profile gets no Administration page', () => {
    expect(hasAdministrationPage('agent')).toBe(false);
    expect(adminSectionsFor('agent')).toEqual([]);
  });
});
