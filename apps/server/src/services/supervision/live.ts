import { lookup, type Conversation } from '@parlo/core';
import {
  ApiError,
  type LiveConversationView,
  type LiveConversationsQuery,
  type LiveConversationsResponse,
  type MonitorView,
} from '@parlo/protocol';
import type { ServerContext } from '../../platform/index.ts';
import type { ConversationDetails, StoreTx, UserRow } from '../../store/index.ts';
import { Presenter, SERVICE_WINDOW_MS } from '../../views/index.ts';
import { detailsById } from '../routing/index.ts';

/** How many of its newest messages a monitor is sent with each view. */
export const MONITOR_MESSAGES = 100;

type LivePhase = LiveConversationView['phase'];

function livePhaseOf(conversation: Conversation): LivePhase | undefined {
  const kind = conversation.phase.kind;
  return kind === 'closed' ? undefined : kind;
}

function ownerOf(conversation: Conversation): string | null {
  const phase = conversation.phase;
  switch (phase.kind) {
    case 'offered':
      return phase.agentId;
    case 'active':
    case 'wrapUp':
      return phase.ownerId;
    case 'queued':
    case 'closed':
      return null;
  }
}

function guestOf(conversation: Conversation): string | null {
  const phase = conversation.phase;
  return phase.kind === 'active' && phase.guest?.kind === 'joined' ? phase.guest.agentId : null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Builds the list rows of these live conversations: their routing records come from the world in
 * memory (no routing lock), their details and answers from targeted reads by id.
 */
async function presentLive(
  tx: StoreTx,
  conversations: readonly Conversation[],
): Promise<LiveConversationView[]> {
  const ids = conversations.map((c) => c.id);
  const details = await detailsById(tx, ids);
  const lastOutbound = await tx.supervision.lastOutboundAt(ids);
  const barged = await tx.supervision.ofConversations(ids);
  const presenter = await Presenter.of(tx);
  const names = new Map<string, string>();
  const nameOf = async (id: string | null): Promise<string | null> => {
    if (id === null) return null;
    let name = names.get(id);
    if (name === undefined) {
      name = (await tx.findUserById(id))?.displayName ?? id;
      names.set(id, name);
    }
    return name;
  };
  const views: LiveConversationView[] = [];
  for (const conversation of conversations) {
    const d = details.get(conversation.id);
    const phase = livePhaseOf(conversation);
    if (!d || !phase) continue;
    const replied = lastOutbound.get(conversation.id);
    const waiting = d.lastInboundAt !== null && (replied === undefined || replied < d.lastInboundAt);
    const supervisors: string[] = [];
    for (const row of barged)
      if (row.conversationId === conversation.id && row.mode === 'barge')
        supervisors.push((await nameOf(row.supervisorId)) ?? row.supervisorId);
    const ownerId = ownerOf(conversation);
    views.push({
      id: conversation.id,
      phase,
      queueId: d.queueId,
      queueName: d.queueName,
      ownerId,
      ownerName: await nameOf(ownerId),
      guestName: await nameOf(guestOf(conversation)),
      customerName: presenter.customerNameOf(d),
      receivedAt: iso(d.receivedAt),
      waitingForReplySince: waiting && d.lastInboundAt !== null ? iso(d.lastInboundAt) : null,
      windowExpiresAt: d.lastInboundAt === null ? null : iso(d.lastInboundAt + SERVICE_WINDOW_MS),
      supervisors,
    });
  }
  return views;
}

/**
 * Issue 16: every conversation going on now (queued, offered, active, in wrap-up), filtered, oldest
 * first. Read from the routing world in memory and by id: it never takes the routing lock.
 */
export function liveConversations(
  ctx: ServerContext,
  query: LiveConversationsQuery,
): Promise<LiveConversationsResponse> {
  return ctx.store.transaction(async (tx) => {
    const world = lookup(await tx.routing.read());
    const live = [...world.conversations()].filter((c) => {
      if (livePhaseOf(c) === undefined) return false;
      if (query.phase !== undefined && c.phase.kind !== query.phase) return false;
      if (query.queueId !== undefined && c.queueId !== query.queueId) return false;
      if (query.agentId !== undefined && ownerOf(c) !== query.agentId && guestOf(c) !== query.agentId)
        return false;
      return true;
    });
    live.sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let conversations = await presentLive(tx, live);
    if (query.waitingForReply !== undefined)
      conversations = conversations.filter(
        (c) => (c.waitingForReplySince !== null) === query.waitingForReply,
      );
    return { conversations };
  });
}

/** The live conversation `id` from the world in memory; 409 CONVERSATION_NOT_LIVE if it is not. */
export async function liveConversation(tx: StoreTx, id: string): Promise<Conversation> {
  const conversation = lookup(await tx.routing.read()).conversation(id);
  if (!conversation || livePhaseOf(conversation) === undefined) {
    const [details] = await tx.getConversationDetails([id]);
    if (!details) throw new ApiError('NOT_FOUND', 'No such conversation');
    throw new ApiError('CONVERSATION_NOT_LIVE', 'This conversation is no longer going on');
  }
  return conversation;
}

/**
 * What a monitoring supervisor sees of a live conversation: its list row and its newest messages
 * (internal notes and whispers included), masked as for agents. Undefined once it is closed.
 */
export function monitorView(
  ctx: ServerContext,
  supervisorId: string,
  conversationId: string,
): Promise<MonitorView | undefined> {
  return ctx.store.transaction(async (tx) => {
    const conversation = lookup(await tx.routing.read()).conversation(conversationId);
    if (!conversation || livePhaseOf(conversation) === undefined) return undefined;
    const [row] = await presentLive(tx, [conversation]);
    const [details] = await tx.getConversationDetails([conversationId]);
    if (!row || !details) return undefined;
    return {
      conversation: row,
      messages: await newestMessages(tx, details),
      bargedIn: await isBargedIn(tx, conversationId, supervisorId),
    };
  });
}

/** The monitor view for the REST route: 404 / 409 when there is nothing live to monitor. */
export async function monitorViewOrError(
  ctx: ServerContext,
  supervisor: UserRow,
  conversationId: string,
): Promise<{ view: MonitorView }> {
  const view = await monitorView(ctx, supervisor.id, conversationId);
  if (view) return { view };
  await ctx.store.transaction((tx) => liveConversation(tx, conversationId));
  throw new ApiError('CONVERSATION_NOT_LIVE', 'This conversation is no longer going on');
}

async function newestMessages(tx: StoreTx, details: ConversationDetails): Promise<MonitorView['messages']> {
  const page = await tx.listMessagesPage(details.id, { limit: MONITOR_MESSAGES });
  const onPage = new Set(page.messages.map((m) => m.id));
  const rows = [...page.messages, ...page.related].sort(
    (a, b) => a.sentAt - b.sentAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return (await Presenter.of(tx)).messages(rows, details).filter((v) => onPage.has(v.id));
}

/** Whether this supervisor has barged into the conversation (and not left). */
export async function isBargedIn(
  tx: StoreTx,
  conversationId: string,
  supervisorId: string,
): Promise<boolean> {
  return (await tx.supervision.ofConversations([conversationId])).some(
    (r) => r.mode === 'barge' && r.supervisorId === supervisorId,
  );
}
