import type { Role } from '@parlo/protocol';

/** The sections of the Administration page, in display order (tabs when there are several). */
export type AdminSection =
  /** Issue 16: the live wallboard. */
  | 'wallboard'
  | 'settings'
  | 'users'
  | 'queues'
  | 'businessNumbers'
  | 'wrapUpReasons'
  | 'idleCodes'
  /** Issue 18: the queues' canned responses. */
  | 'cannedResponses'
  /** Issue 18: labels on conversations. */
  | 'labels'
  /** Issue 18: the customer satisfaction survey after wrap-up. */
  | 'csat'
  /** Issue 18: business hours per queue and the automatic messages. */
  | 'businessHours'
  | 'dataProtection'
  | 'audit'
  | 'queuesAndAgents'
  /** Issue 16: live conversations, monitor, whisper, barge-in, reassign, force state. */
  | 'liveConversations'
  /** Issue 15: search over conversations. */
  | 'search'
  /** Issue 16: historical reports. */
  | 'reports';

/**
 * Which sections a role sees, as tabs: the administrator gets the whole console (issue 6) plus the
 * live views; a supervisor the live views first, then search, reports and canned responses (the
 * server enforces both too).
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
      ];
    case 'supervisor':
      return ['queuesAndAgents', 'wallboard', 'liveConversations', 'search', 'reports', 'cannedResponses'];
    case 'agent':
      return [];
  }
}

/** Issue 16: the page's title: "Supervision" for a supervisor, "Administration" for an administrator. */
export function pageTitleKey(role: Role): 'supervision.title' | 'admin.title' {
  return role === 'supervisor' ? 'supervision.title' : 'admin.title';
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
