import { useTranslation } from 'react-i18next';
import type { UserView } from '@parlo/protocol';
import { TopBar } from '../shell/top-bar.tsx';
import { adminSectionsFor } from './admin-sections.ts';
import { SettingsSection } from './settings-section.tsx';

interface AdminPageProps {
  user: UserView;
  onSignedOut: () => void;
}

/**
 * Administration, for administrators and supervisors without an agent profile. Each role sees
 * only the sections that exist for it; a role with none is told so plainly.
 */
export function AdminPage({ user, onSignedOut }: AdminPageProps) {
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
          {sections.length === 0 ? (
            <p className="admin-note">{t('admin.nothingForSupervisors')}</p>
          ) : (
            sections.map((section) => {
              switch (section) {
                case 'settings':
                  return <SettingsSection key={section} />;
              }
            })
          )}
        </div>
      </main>
    </div>
  );
}
