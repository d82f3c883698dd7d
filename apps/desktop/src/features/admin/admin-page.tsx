import { useTranslation } from 'react-i18next';
import type { Catalog, UserView } from '@parlo/protocol';
import { TopBar } from '../shell/top-bar.tsx';
import { adminSectionsFor } from './admin-sections.ts';
import { SettingsSection } from './settings-section.tsx';
import { SupervisorSection } from './supervisor-section.tsx';

interface AdminPageProps {
  user: UserView;
  /** For the names of agents' idle codes. */
  catalog: Catalog;
  onSignedOut: () => void;
}

/**
 * Administration, for administrators and supervisors without an agent profile. Each role sees
 * only the sections that exist for it.
 */
export function AdminPage({ user, catalog, onSignedOut }: AdminPageProps) {
  const { t } = useTranslation();
  const sections = adminSectionsFor(user.role);
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
          <h1 className="admin-title">{t('admin.title')}</h1>
          {sections.map((section) => {
            switch (section) {
              case 'queuesAndAgents':
                return <SupervisorSection key={section} idleCodes={catalog.idleCodes} />;
              case 'settings':
                return <SettingsSection key={section} />;
            }
          })}
        </div>
      </main>
    </div>
  );
}
