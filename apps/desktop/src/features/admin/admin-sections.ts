import type { Role } from '@parlo/protocol';

/** The sections of the Administration page, in display order (tabs when there are several). */
export type AdminSection =
  | 'settings'
  | 'users'
  | 'queues'
  | 'businessNumbers'
  | 'wrapUpReasons'
  | 'idleCodes'
  | 'dataProtection'
  | 'audit'
  | 'queuesAndAgents'
  /** Issue 15: search over conversations. */
  | 'search';

/**
 * Which sections a role sees: the administrator gets the whole console (issue 6) plus the live
 * queues and agents; a supervisor only the live view (the server enforces both too).
 */
export function adminSectionsFor(role: Role): readonly AdminSection[] {
  switch (role) {
    case 'admin':
      return [
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
      ];
    case 'supervisor':
      return ['queuesAndAgents', 'search'];
    case 'agent':
      return [];
  }
}

/** Whether a signed-in user without an agent profile gets the Administration page. */
export function hasAdministrationPage(role: Role): boolean {
  return role === 'admin' || role === 'supervisor';
}

/**
 * The section a URL fragment (`#queues`) names, if this role has it; else the role's first. The
 * fragment keeps the open tab across a reload and makes it linkable.
 */
export function sectionFromHash(role: Role, hash: string): AdminSection | null {
  const sections = adminSectionsFor(role);
  const wanted = hash.replace(/^#/, '');
  return sections.find((s) => s === wanted) ?? sections[0] ?? null;
}
