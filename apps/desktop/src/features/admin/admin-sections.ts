import type { Role } from '@parlo/protocol';

/**
 * The sections of the Administration page, in display order. Only what works is listed: users,
 * queues, numbers, wrap-up reasons, idle codes and the audit log join here when they are built.
 */
export type AdminSection = 'queuesAndAgents' | 'settings';

/**
 * Which sections a role sees: queues and agents for supervisors and administrators; settings are
 * the administrator's alone (the server enforces both too).
 */
export function adminSectionsFor(role: Role): readonly AdminSection[] {
  switch (role) {
    case 'admin':
      return ['queuesAndAgents', 'settings'];
    case 'supervisor':
      return ['queuesAndAgents'];
    case 'agent':
      return [];
  }
}

/** Whether a signed-in user without an agent profile gets the Administration page. */
export function hasAdministrationPage(role: Role): boolean {
  return role === 'admin' || role === 'supervisor';
}
