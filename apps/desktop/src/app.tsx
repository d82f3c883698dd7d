import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AgentView, Catalog, MeResponse, UserView } from '@parlo/protocol';
import { expireSession, fetchCatalog, fetchMe, onSessionExpired } from './api/client.ts';
import { asRequestError } from './api/request-error.ts';
import { AdminPage } from './features/admin/admin-page.tsx';
import { hasAdministrationPage } from './features/admin/admin-sections.ts';
import { TopBar } from './features/shell/top-bar.tsx';
import { AgentStateControl } from './features/agent-state/agent-state-control.tsx';
import { useCollaborationFollowUp } from './features/collaboration/collaboration-actions.tsx';
import { InteractionPane } from './features/interaction/interaction-pane.tsx';
import { LoginPage } from './features/login/login-page.tsx';
import { OfferStack } from './features/offers/offer-stack.tsx';
import { useOfferAlerts } from './features/offers/use-offer-alerts.ts';
import { ConnectionIndicator } from './features/shell/connection-indicator.tsx';
import { NoticeProvider, useNotify } from './features/shell/notices.tsx';
import { OfferAlertControls } from './features/shell/offer-alert-controls.tsx';
import { useErrorText } from './features/shell/use-error-text.ts';
import { TaskPane } from './features/task-pane/task-pane.tsx';
import { WrapUpDialog } from './features/wrap-up/wrap-up-dialog.tsx';
import { reasonsForQueue } from './features/wrap-up/filter-reasons.ts';
import { useOfferSoundMuted } from './lib/sound-preference.ts';
import { RealtimeClient } from './realtime/realtime-client.ts';
import { RealtimeContext, useDesktopState } from './realtime/realtime-context.ts';

type Session =
  { status: 'loading' } | { status: 'signedOut' } | { status: 'signedIn'; me: MeResponse; catalog: Catalog };

const EMPTY_CATALOG: Catalog = { idleCodes: [], wrapUpReasons: [], queues: [] };

/**
 * Who is signed in, and the catalog. A catalog failure does not block the desktop (it works
 * without idle codes and reasons, and refetches them on the next snapshot), so it is returned
 * for reporting instead of thrown.
 */
async function loadSession(): Promise<{ session: Session; catalogError: unknown }> {
  const me = await fetchMe();
  try {
    return { session: { status: 'signedIn', me, catalog: await fetchCatalog() }, catalogError: null };
  } catch (error) {
    return { session: { status: 'signedIn', me, catalog: EMPTY_CATALOG }, catalogError: error };
  }
}

/** The whole app: login, then the agent desktop for the signed-in user. */
export function App() {
  return (
    <NoticeProvider>
      <SessionGate />
    </NoticeProvider>
  );
}

function SessionGate() {
  const { t } = useTranslation();
  const notify = useNotify();
  const errorText = useErrorText();
  const [session, setSession] = useState<Session>({ status: 'loading' });

  const reportError = useEffectEvent((error: unknown) => notify(errorText(error)));

  const signIn = useCallback(async () => {
    const loaded = await loadSession();
    if (loaded.catalogError !== null) notify(errorText(loaded.catalogError));
    setSession(loaded.session);
  }, [notify, errorText]);

  useEffect(() => {
    let live = true;
    loadSession().then(
      (loaded) => {
        if (loaded.catalogError !== null) reportError(loaded.catalogError);
        if (live) setSession(loaded.session);
      },
      (error: unknown) => {
        if (asRequestError(error).code !== 'UNAUTHENTICATED') reportError(error);
        if (live) setSession({ status: 'signedOut' });
      },
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => onSessionExpired(() => setSession({ status: 'signedOut' })), []);

  switch (session.status) {
    case 'loading':
      return <div className="splash">{t('app.loading')}</div>;
    case 'signedOut':
      return <LoginPage onSignedIn={signIn} />;
    case 'signedIn': {
      const { user, agent } = session.me;
      const onSignedOut = () => setSession({ status: 'signedOut' });
      if (agent) return <AgentDesktop agent={agent} catalog={session.catalog} onSignedOut={onSignedOut} />;
      // Administrators and supervisors without an agent profile administer; anyone else is told why
      // there is nothing to do.
      if (hasAdministrationPage(user.role))
        return <AdminPage user={user} catalog={session.catalog} onSignedOut={onSignedOut} />;
      return <NotAnAgent user={user} onSignedOut={onSignedOut} />;
    }
  }
}

interface AgentDesktopProps {
  agent: AgentView;
  catalog: Catalog;
  onSignedOut: () => void;
}

function AgentDesktop(props: AgentDesktopProps) {
  const [client] = useState(
    () =>
      new RealtimeClient({
        onUnauthenticated: expireSession,
        onConnectionTrouble: () => {
          fetchMe().catch((error: unknown) => {
            if (asRequestError(error).code === 'UNAUTHENTICATED') expireSession();
          });
        },
      }),
  );
  useEffect(() => {
    client.start();
    return () => client.stop();
  }, [client]);
  return (
    <RealtimeContext.Provider value={client}>
      <Workspace {...props} />
    </RealtimeContext.Provider>
  );
}

function Workspace({ agent: initialAgent, catalog: initialCatalog, onSignedOut }: AgentDesktopProps) {
  const { t } = useTranslation();
  const state = useDesktopState();
  const [catalog, setCatalog] = useState(initialCatalog);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [wrapUpId, setWrapUpId] = useState<string | null>(null);
  const [drafts, setDrafts] = useState<Readonly<Record<string, string>>>({});
  const [soundMuted, setSoundMuted] = useOfferSoundMuted();

  const agent = state.agent ?? initialAgent;
  const { conversations, offers } = state;
  const selected = conversations.find((c) => c.id === selectedId) ?? conversations[0] ?? null;
  const wrapUpConversation = conversations.find((c) => c.id === wrapUpId && c.phase === 'wrapUp') ?? null;

  useOfferAlerts(offers, soundMuted);

  useEffect(() => {
    // Each snapshot (first connect, resume after a long gap) is a good moment to pick up
    // idle codes and reasons an administrator changed meanwhile.
    if (state.snapshotEpoch === 0) return;
    const controller = new AbortController();
    fetchCatalog(controller.signal).then(setCatalog, (error: unknown) => {
      if (!controller.signal.aborted) console.warn('Catalog refresh failed', error);
    });
    return () => controller.abort();
  }, [state.snapshotEpoch]);

  const openWrapUp = useCallback((conversationId: string) => {
    setSelectedId(conversationId);
    setWrapUpId(conversationId);
  }, []);
  const closeWrapUp = useCallback(() => setWrapUpId(null), []);
  const onDraftChange = useCallback((conversationId: string, text: string) => {
    setDrafts((d) => ({ ...d, [conversationId]: text }));
  }, []);
  const onCompleted = useCallback((conversationId: string) => {
    setWrapUpId(null);
    setDrafts(({ [conversationId]: _done, ...rest }) => rest);
  }, []);
  // S-23: a colleague's action (End conference, End during a conference) can end this agent's part.
  useCollaborationFollowUp(conversations, wrapUpConversation !== null, openWrapUp);

  return (
    <div className="app-shell">
      <TopBar
        displayName={agent.displayName}
        nameTestId="agent-name"
        signOutBlocked={offers.length > 0 || conversations.length > 0}
        onSignedOut={onSignedOut}
        leading={<AgentStateControl agent={agent} idleCodes={catalog.idleCodes} />}
        trailing={
          <>
            <OfferAlertControls muted={soundMuted} onMutedChange={setSoundMuted} />
            <ConnectionIndicator status={state.connection} />
          </>
        }
      />
      {state.connection === 'outdated' && <OutdatedBanner />}
      {agent.state.kind === 'rona' && (
        <p className="rona-banner" role="alert">
          {t('header.ronaHint')}
        </p>
      )}
      <div className="workspace">
        <TaskPane
          conversations={conversations}
          messages={state.messages}
          selectedId={selected?.id ?? null}
          onSelect={setSelectedId}
        />
        <InteractionPane
          conversation={selected}
          messages={selected ? state.messages[selected.id] : undefined}
          snapshotEpoch={state.snapshotEpoch}
          agentName={agent.displayName}
          draft={selected ? (drafts[selected.id] ?? '') : ''}
          onDraftChange={onDraftChange}
          onWrapUp={openWrapUp}
        />
      </div>
      <OfferStack offers={offers} onAccepted={setSelectedId} />
      {wrapUpConversation && (
        <WrapUpDialog
          key={wrapUpConversation.id}
          conversation={wrapUpConversation}
          reasons={reasonsForQueue(catalog, wrapUpConversation.queueId)}
          onClose={closeWrapUp}
          onCompleted={onCompleted}
        />
      )}
    </div>
  );
}

function OutdatedBanner() {
  const { t } = useTranslation();
  return (
    <div className="outdated-banner" role="alert">
      {t('app.outdated')}
      <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
        {t('app.reload')}
      </button>
    </div>
  );
}

function NotAnAgent({ user, onSignedOut }: { user: UserView; onSignedOut: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="app-shell">
      <TopBar
        displayName={user.displayName}
        nameTestId="user-name"
        signOutBlocked={false}
        onSignedOut={onSignedOut}
      />
      <main className="interaction-pane interaction-empty">
        <p className="empty-title">{t('app.notAnAgent')}</p>
      </main>
    </div>
  );
}
