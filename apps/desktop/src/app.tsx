import { lazy, Suspense, useCallback, useEffect, useEffectEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AgentView, Catalog, MeResponse, UserView } from '@parlo/protocol';
import { expireSession, fetchCatalog, fetchMe, onSessionExpired } from './api/client.ts';
import { asRequestError } from './api/request-error.ts';
import { AgentSearchButton } from './features/search/search-dialog.tsx';
import { MentionNotices } from './features/supervision/internal-note.tsx';
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
import { TaskDrawerToggle } from './features/task-pane/task-drawer.tsx';
import { WrapUpHint } from './features/agent-state/wrap-up-hint.tsx';
import { ShortcutHelp } from './features/shortcuts/shortcut-help.tsx';
import { nextConversationId, useShortcut } from './features/shortcuts/shortcuts.ts';
import { WrapUpDialog } from './features/wrap-up/wrap-up-dialog.tsx';
import { reasonsForQueue } from './features/wrap-up/filter-reasons.ts';
import { useOfferSoundMuted } from './lib/sound-preference.ts';
import { RealtimeClient } from './realtime/realtime-client.ts';
import { RealtimeContext, useDesktopState } from './realtime/realtime-context.ts';

// The admin console is its own chunk: an agent's first load does not download it.
const AdminPage = lazy(() =>
  import('./features/admin/admin-page.tsx').then((module) => ({ default: module.AdminPage })),
);

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
        return (
          <Suspense fallback={<div className="splash">{t('app.loading')}</div>}>
            <AdminPage user={user} catalog={session.catalog} onSignedOut={onSignedOut} />
          </Suspense>
        );
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
  // Issue 18: below 768 px the task list is a drawer; choosing a conversation closes it.
  const [tasksOpen, setTasksOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);

  const agent = state.agent ?? initialAgent;
  const { conversations, offers } = state;
  const selected = conversations.find((c) => c.id === selectedId) ?? conversations[0] ?? null;
  // Issue 18: after a reload (or any snapshot) a wrap-up still owed opens by itself, until the
  // agent closes it; the next snapshot reminds them again.
  const [wrapUpDismissedAt, setWrapUpDismissedAt] = useState(-1);
  const owedWrapUp =
    wrapUpDismissedAt === state.snapshotEpoch ? undefined : conversations.find((c) => c.phase === 'wrapUp');
  const wrapUpConversation =
    conversations.find((c) => c.id === wrapUpId && c.phase === 'wrapUp') ??
    (wrapUpId === null ? (owedWrapUp ?? null) : null);

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
  const closeWrapUp = useCallback(() => {
    setWrapUpId(null);
    setWrapUpDismissedAt(state.snapshotEpoch);
  }, [state.snapshotEpoch]);
  const onDraftChange = useCallback((conversationId: string, text: string) => {
    setDrafts((d) => ({ ...d, [conversationId]: text }));
  }, []);
  const onCompleted = useCallback((conversationId: string) => {
    setWrapUpId(null);
    setDrafts(({ [conversationId]: _done, ...rest }) => rest);
  }, []);
  // S-23: a colleague's action (End conference, End during a conference) can end this agent's part.
  useCollaborationFollowUp(conversations, wrapUpConversation !== null, openWrapUp);

  const selectConversation = useCallback((conversationId: string) => {
    setSelectedId(conversationId);
    setTasksOpen(false);
  }, []);
  const closeHelp = useCallback(() => setHelpOpen(false), []);
  useShortcut('next', () => {
    const next = nextConversationId(
      conversations.map((c) => c.id),
      selected?.id ?? null,
    );
    if (next !== null) selectConversation(next);
  });
  useShortcut('help', () => setHelpOpen((open) => !open));

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
            <AgentSearchButton catalog={catalog} />
            <OfferAlertControls muted={soundMuted} onMutedChange={setSoundMuted} />
            <ConnectionIndicator status={state.connection} />
          </>
        }
      />
      {state.connection === 'outdated' && <OutdatedBanner />}
      <MentionNotices />
      <WrapUpHint agent={agent} conversations={conversations} />
      {agent.state.kind === 'rona' && (
        <p className="rona-banner" role="alert">
          {t('header.ronaHint')}
        </p>
      )}
      <div className="workspace">
        <TaskDrawerToggle count={conversations.length} open={tasksOpen} onOpenChange={setTasksOpen}>
          <TaskPane
            conversations={conversations}
            messages={state.messages}
            selectedId={selected?.id ?? null}
            onSelect={selectConversation}
          />
        </TaskDrawerToggle>
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
      <OfferStack offers={offers} onAccepted={selectConversation} />
      {helpOpen && <ShortcutHelp onClose={closeHelp} />}
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
