import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Catalog, UserView } from '@parlo/protocol';
import { ReportsPanel } from '../reports/reports-panel.tsx';
import { SearchPanel } from '../search/search-panel.tsx';
import { TopBar } from '../shell/top-bar.tsx';
import { adminSectionsFor, pageTitleKey, sectionFromHash, type AdminSection } from './admin-sections.ts';
import { LiveSupervision } from '../supervision/live-supervision.tsx';
import { AuditSection } from './audit-section.tsx';
import { CannedResponsesSection } from './canned-responses-section.tsx';
import { LabelsSection } from './labels-section.tsx';
import { BusinessHoursSection } from './business-hours-section.tsx';
import '../automation/automation.css';
import { CsatSection } from '../csat/csat-section.tsx';
import { WallboardPanel } from '../wallboard/wallboard-panel.tsx';
import { BusinessNumbersSection } from './business-numbers-section.tsx';
import { IdleCodesSection, WrapUpReasonsSection } from './named-items-section.tsx';
import { PrivacySection } from './privacy-section.tsx';
import { QueuesSection } from './queues-section.tsx';
import { SettingsSection } from './settings-section.tsx';
import { SupervisorSection } from './supervisor-section.tsx';
import { useAdminData, type AdminDataState } from './use-admin-data.ts';
import { UsersSection } from './users-section.tsx';
import './admin.css';

interface AdminPageProps {
  user: UserView;
  /** For the names of agents' idle codes. */
  catalog: Catalog;
  onSignedOut: () => void;
}

/**
 * Administration, for administrators and supervisors without an agent profile: the role's
 * sections as tabs (a supervisor's live views, search, reports and canned responses; an
 * administrator's whole console).
 */
export function AdminPage({ user, catalog, onSignedOut }: AdminPageProps) {
  const { t } = useTranslation();
  return (
    <div className="app-shell">
      <TopBar
        displayName={user.displayName}
        nameTestId="user-name"
        signOutBlocked={false}
        onSignedOut={onSignedOut}
      />
      <main className="admin-page">
        <div className="admin-content">
          <h1 className="admin-title">{t(pageTitleKey(user.role))}</h1>
          {user.role === 'admin' ? (
            <AdminConsole user={user} catalog={catalog} />
          ) : (
            <ConsoleTabs user={user}>
              {(section) => <SupervisionContent section={section} catalog={catalog} />}
            </ConsoleTabs>
          )}
        </div>
      </main>
    </div>
  );
}

/** The administrator's console: every section, with the data the resource sections share. */
function AdminConsole({ user, catalog }: { user: UserView; catalog: Catalog }) {
  const admin = useAdminData();
  return (
    <ConsoleTabs user={user}>
      {(section) => <SectionContent section={section} admin={admin} catalog={catalog} />}
    </ConsoleTabs>
  );
}

/**
 * The role's sections as tabs, one panel at a time; the open one is in the URL's fragment (kept
 * across a reload, linkable). Issue 18: supervisors get tabs too, not six sections stacked.
 */
function ConsoleTabs({ user, children }: { user: UserView; children: (section: AdminSection) => ReactNode }) {
  const { t } = useTranslation();
  const sections = adminSectionsFor(user.role);
  const [open, setOpen] = useState<AdminSection>(
    () => sectionFromHash(user.role, window.location.hash) ?? sections[0] ?? 'settings',
  );
  const tabRefs = useRef(new Map<AdminSection, HTMLButtonElement>());

  useEffect(() => {
    function onHash() {
      const section = sectionFromHash(user.role, window.location.hash);
      if (section) setOpen(section);
    }
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [user.role]);

  function select(section: AdminSection, focus: boolean) {
    setOpen(section);
    window.history.replaceState(null, '', `#${section}`);
    if (focus) tabRefs.current.get(section)?.focus();
  }

  // The WAI-ARIA tabs pattern: arrows move between tabs, Home/End jump to the ends.
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = sections.indexOf(open);
    const target =
      event.key === 'ArrowRight'
        ? sections[(index + 1) % sections.length]
        : event.key === 'ArrowLeft'
          ? sections[(index - 1 + sections.length) % sections.length]
          : event.key === 'Home'
            ? sections[0]
            : event.key === 'End'
              ? sections[sections.length - 1]
              : undefined;
    if (target) {
      event.preventDefault();
      select(target, true);
    }
  }

  return (
    <div className="admin-console">
      <div className="admin-tabs" role="tablist" aria-label={t('console.sections')} onKeyDown={onKeyDown}>
        {sections.map((section) => (
          <button
            key={section}
            ref={(node) => {
              if (node) tabRefs.current.set(section, node);
              else tabRefs.current.delete(section);
            }}
            type="button"
            role="tab"
            id={`admin-tab-${section}`}
            aria-selected={section === open}
            aria-controls={`admin-panel-${section}`}
            tabIndex={section === open ? 0 : -1}
            className={`admin-tab${section === open ? ' admin-tab-selected' : ''}`}
            onClick={() => select(section, false)}
          >
            {t(`console.tabs.${section}`)}
          </button>
        ))}
      </div>
      <div
        className="admin-tab-panel"
        role="tabpanel"
        id={`admin-panel-${open}`}
        aria-labelledby={`admin-tab-${open}`}
      >
        {children(open)}
      </div>
    </div>
  );
}

/** A supervisor's sections: the live views, search, reports, canned responses. */
function SupervisionContent({ section, catalog }: { section: AdminSection; catalog: Catalog }) {
  switch (section) {
    case 'wallboard':
      return <WallboardPanel />;
    case 'queuesAndAgents':
      return <SupervisorSection idleCodes={catalog.idleCodes} />;
    case 'liveConversations':
      return <LiveSupervision catalog={catalog} />;
    case 'search':
      return <SearchPanel catalog={catalog} />;
    case 'reports':
      return <ReportsPanel />;
    case 'cannedResponses':
      return <CannedResponsesSection catalog={catalog} />;
    case 'settings':
    case 'users':
    case 'queues':
    case 'businessNumbers':
    case 'wrapUpReasons':
    case 'idleCodes':
    case 'labels':
    case 'csat':
    case 'businessHours':
    case 'dataProtection':
    case 'audit':
      return null;
  }
}

function SectionContent({
  section,
  admin,
  catalog,
}: {
  section: AdminSection;
  admin: AdminDataState;
  catalog: Catalog;
}) {
  const { t } = useTranslation();
  const loadError = (key: keyof AdminDataState['errors']) => {
    const code = admin.errors[key];
    return code === undefined ? null : t('console.loadFailed', { reason: t(`errors.${code}`) });
  };
  switch (section) {
    case 'settings':
      return <SettingsSection />;
    case 'users':
      return <UsersSection admin={admin} loadError={loadError('users')} />;
    case 'queues':
      return <QueuesSection admin={admin} loadError={loadError('queues')} />;
    case 'businessNumbers':
      return <BusinessNumbersSection admin={admin} loadError={loadError('businessNumbers')} />;
    case 'wrapUpReasons':
      return <WrapUpReasonsSection admin={admin} loadError={loadError('wrapUpReasons')} />;
    case 'idleCodes':
      return <IdleCodesSection admin={admin} loadError={loadError('idleCodes')} />;
    case 'dataProtection':
      return <PrivacySection />;
    case 'audit':
      return <AuditSection data={admin.data} />;
    case 'wallboard':
    case 'queuesAndAgents':
    case 'liveConversations':
    case 'search':
    case 'reports':
    case 'cannedResponses':
      return <SupervisionContent section={section} catalog={catalog} />;
    case 'labels':
      return <LabelsSection />;
    case 'businessHours':
      return <BusinessHoursSection catalog={catalog} />;
    case 'csat':
      return <CsatSection />;
  }
}
