import { useEffect, useEffectEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationView, MessageView } from '@parlo/protocol';
import { endConversation, fetchMessages } from '../../api/client.ts';
import { useDesktopState, useDispatch } from '../../realtime/realtime-context.ts';
import { Composer } from '../composer/composer.tsx';
import { CollaborationActions, RoleLabel } from '../collaboration/collaboration-actions.tsx';
import { useNotify } from '../shell/notices.tsx';
import { useErrorText } from '../shell/use-error-text.ts';
import { BlockedBanner } from './blocked-banner.tsx';
import { EndConfirmDialog } from './end-confirm-dialog.tsx';
import { useShortcut } from '../shortcuts/shortcuts.ts';
import { CustomerPanels } from '../history/customer-panels.tsx';
import { EarlierTranscript } from '../history/earlier-transcript.tsx';
import { MessageList } from './message-list.tsx';
import { MonitoringBadge } from '../supervision/internal-note.tsx';
import { LabelPicker } from '../labels/label-picker.tsx';
import { customerHandle } from '../../lib/customer-handle.ts';
import './interaction.css';

interface InteractionPaneProps {
  conversation: ConversationView | null;
  messages: readonly MessageView[] | undefined;
  /** Bumped by each snapshot: the history is fetched again, since snapshots do not carry it. */
  snapshotEpoch: number;
  agentName: string;
  draft: string;
  onDraftChange: (conversationId: string, text: string) => void;
  /** Opens the Wrap-up reasons dialog for this conversation (S-24). */
  onWrapUp: (conversationId: string) => void;
}

/** S-5/S-6: the selected conversation: header with End / Wrap up, message history, composer. */
export function InteractionPane(props: InteractionPaneProps) {
  const { t } = useTranslation();
  if (!props.conversation) {
    return (
      <main className="interaction-pane interaction-empty">
        <div className="empty-state">
          <p className="empty-title">{t('interaction.empty')}</p>
          <p className="empty-hint">{t('interaction.emptyHint')}</p>
        </div>
      </main>
    );
  }
  return <OpenConversation {...props} conversation={props.conversation} />;
}

function OpenConversation({
  conversation,
  messages,
  snapshotEpoch,
  agentName,
  draft,
  onDraftChange,
  onWrapUp,
}: InteractionPaneProps & { conversation: ConversationView }) {
  const { t } = useTranslation();
  const dispatch = useDispatch();
  const monitoredBy = useDesktopState().monitoredBy?.[conversation.id];
  const notify = useNotify();
  const errorText = useErrorText();
  const [ending, setEnding] = useState(false);
  // Issue 18: End asks first (the button and Alt+E alike); the question is about one conversation.
  const [confirmingEndOf, setConfirmingEndOf] = useState<string | null>(null);
  // The customer message the agent is replying to (quoted on WhatsApp), until sent or cancelled.
  const [replyTo, setReplyTo] = useState<MessageView | null>(null);
  const [loadedKey, setLoadedKey] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  // Issue 15: the cursor of the page before the oldest we hold (null: we hold the first message).
  const [older, setOlder] = useState<{ conversationId: string; cursor: string | null }>({
    conversationId: '',
    cursor: null,
  });
  const [loadingOlder, setLoadingOlder] = useState(false);
  const id = conversation.id;
  const loadKey = `${id}#${snapshotEpoch}`;

  // Read at failure time, so switching language does not refetch the history.
  const onLoadFailed = useEffectEvent((error: unknown) => setLoadError(errorText(error)));

  useEffect(() => {
    const controller = new AbortController();
    fetchMessages(id, { signal: controller.signal }).then(
      (page) => {
        dispatch({ type: 'messages.loaded', conversationId: id, messages: page.messages });
        // A reload (a snapshot) keeps the older pages already held, and their cursor.
        setOlder((held) =>
          held.conversationId === id ? held : { conversationId: id, cursor: page.olderCursor },
        );
        setLoadError(null);
        setLoadedKey(loadKey);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        onLoadFailed(error);
        setLoadedKey(loadKey);
      },
    );
    return () => controller.abort();
  }, [id, loadKey, dispatch]);

  const olderCursor = older.conversationId === id ? older.cursor : null;
  async function loadOlder() {
    if (olderCursor === null || loadingOlder) return;
    setLoadingOlder(true);
    try {
      const page = await fetchMessages(id, { before: olderCursor });
      dispatch({ type: 'messages.olderLoaded', conversationId: id, messages: page.messages });
      setOlder({ conversationId: id, cursor: page.olderCursor });
    } catch (error) {
      notify(errorText(error));
    } finally {
      setLoadingOlder(false);
    }
  }

  const count = messages?.length ?? 0;

  const canEnd = conversation.phase === 'active' && conversation.role === 'owner';
  const confirmingEnd = confirmingEndOf === id && canEnd;
  useShortcut('end', () => setConfirmingEndOf(id), canEnd && !ending);

  async function end() {
    setConfirmingEndOf(null);
    setEnding(true);
    try {
      dispatch({ type: 'conversation.reported', conversation: await endConversation(id) });
      onWrapUp(id);
    } catch (error) {
      notify(errorText(error));
    } finally {
      setEnding(false);
    }
  }

  const loading = loadedKey !== loadKey && count === 0;

  return (
    <main className="interaction-pane" aria-labelledby="interaction-title" data-conversation-id={id}>
      <header className="interaction-header">
        <div className="interaction-heading">
          <h1 id="interaction-title" className="interaction-title">
            {/* Issue 18: names and (masked) numbers isolated, so an Arabic name cannot reorder the number. */}
            <bdi>{conversation.customerName}</bdi>{' '}
            <bdi className="interaction-phone">{customerHandle(conversation)}</bdi>
            {conversation.marketingOptedOut === true && (
              <span className="opt-out-badge" data-testid="marketing-opted-out">
                {t('interaction.marketingOptedOut')}
              </span>
            )}
          </h1>
          <p className="interaction-source">
            <span>
              {t('interaction.contactSource')}: <strong>{conversation.businessNumber}</strong>
            </span>
            <span>
              {t('interaction.queue')}: <strong>{conversation.queueName}</strong>
            </span>
            <RoleLabel conversation={conversation} />
          </p>
          {/* Issue 18: the conversation's labels and their picker. */}
          <LabelPicker key={`labels-${id}`} conversationId={id} />
        </div>
        <div className="interaction-actions">
          <CollaborationActions key={id} conversation={conversation} onWrapUp={onWrapUp} />
          {conversation.phase === 'active' ? (
            // A conference guest leaves with Exit conference; End is the owner's (S-22).
            conversation.role === 'owner' && (
              <button
                type="button"
                className="button button-danger"
                disabled={ending}
                aria-busy={ending}
                onClick={() => setConfirmingEndOf(id)}
              >
                {t('interaction.end')}
              </button>
            )
          ) : (
            <button type="button" className="button button-primary" onClick={() => onWrapUp(id)}>
              {t('interaction.wrapUp')}
            </button>
          )}
        </div>
      </header>
      <MonitoringBadge supervisors={monitoredBy} />
      <BlockedBanner conversation={conversation} />
      {conversation.phase === 'wrapUp' && (
        <p className="phase-banner" role="status">
          {t('interaction.wrapUpNotice')}
        </p>
      )}
      {/* Issue 15: the customer's record, CAD variables, past conversations; a returning customer's last one. */}
      <CustomerPanels key={`panels-${id}`} conversation={conversation} snapshotEpoch={snapshotEpoch} />
      <EarlierTranscript key={`earlier-${id}`} conversationId={id} snapshotEpoch={snapshotEpoch} />
      <MessageList
        conversationId={id}
        messages={messages ?? []}
        customerName={conversation.customerName}
        agentName={agentName}
        onReply={conversation.phase === 'active' && conversation.blockedBy === null ? setReplyTo : undefined}
        hasOlder={olderCursor !== null}
        loadingOlder={loadingOlder}
        onNeedOlder={() => void loadOlder()}
        notes={
          <>
            {loading && <p className="message-note">{t('interaction.loadingMessages')}</p>}
            {loadError !== null && (
              <p className="form-error" role="alert">
                {loadError}
              </p>
            )}
            {!loading && count === 0 && loadError === null && (
              <p className="message-note">{t('interaction.noMessages')}</p>
            )}
          </>
        }
      />
      <Composer
        key={id}
        conversation={conversation}
        agentName={agentName}
        draft={draft}
        onDraftChange={(text) => onDraftChange(id, text)}
        replyTo={replyTo?.conversationId === id ? replyTo : null}
        onReplyDone={() => setReplyTo(null)}
      />
      {confirmingEnd && (
        <EndConfirmDialog
          customerName={conversation.customerName}
          onConfirm={() => void end()}
          onCancel={() => setConfirmingEndOf(null)}
        />
      )}
    </main>
  );
}
