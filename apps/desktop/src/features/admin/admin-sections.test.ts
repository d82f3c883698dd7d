import { describe, expect, it } from 'vitest';
import { adminSectionsFor, hasAdministrationPage } from './admin-sections.ts';

describe('Administration page sections', () => {
  it('[S-10] the administrator gets Settings', () => {
    expect(adminSectionsFor('admin')).toEqual(['settings']);
    expect(hasAdministrationPage('admin')).toBe(true);
  });

  it('a supervisor gets the page but no Settings (nothing built for them yet)', () => {
    expect(hasAdministrationPage('supervisor')).toBe(true);
    expect(adminSectionsFor('supervisor')).toEqual([]);
  });

  it('an agent without an agent profile gets no Administration page', () => {
    expect(hasAdministrationPage('agent')).toBe(false);
    expect(adminSectionsFor('agent')).toEqual([]);
  });
});
