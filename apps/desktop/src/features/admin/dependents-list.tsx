import { useTranslation } from 'react-i18next';
import { hasDependents, type Dependents } from './resource-drafts.ts';

/** The delete confirmation's "what depends on it", by kind, or that nothing does. */
export function DependentsList({ dependents }: { dependents: Dependents }) {
  const { t } = useTranslation();
  if (!hasDependents(dependents)) return <p className="admin-note">{t('console.dependents.none')}</p>;
  return (
    <div className="dependents">
      <p>{t('console.dependents.intro')}</p>
      <ul className="dependents-list">
        {dependents.agents.length > 0 && (
          <li>{t('console.dependents.agents', { names: dependents.agents.join(', ') })}</li>
        )}
        {dependents.businessNumbers.length > 0 && (
          <li>{t('console.dependents.businessNumbers', { names: dependents.businessNumbers.join(', ') })}</li>
        )}
        {dependents.queues.length > 0 && (
          <li>{t('console.dependents.queues', { names: dependents.queues.join(', ') })}</li>
        )}
      </ul>
    </div>
  );
}
