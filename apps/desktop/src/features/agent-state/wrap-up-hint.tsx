import { useTranslation } from 'react-i18next';
import type { AgentView, ConversationView } from '@parlo/protocol';
import { wrapUpsToFinish } from './wrap-up-hint.ts';
import './agent-state.css';

/** Under the top bar: why an Available agent gets no offers while wrap-ups are pending. */
export function WrapUpHint({
  agent,
  conversations,
}: {
  agent: AgentView;
  conversations: readonly ConversationView[];
}) {
  const { t } = useTranslation();
  const count = wrapUpsToFinish(agent, conversations);
  if (count === 0) return null;
  return (
    <p className="wrap-up-hint" role="status" data-testid="wrap-up-hint">
      {t('desktop.wrapUpPending', { count })}
    </p>
  );
}
