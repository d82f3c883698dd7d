/**
 * Issue 16, live supervision: internal notes and whispers (one mechanism), monitoring, barge-in,
 * reassign and signing an agent out. Who may: supervisors and administrators (the routes check);
 * an internal note: any agent taking part in the conversation. Every action is audited.
 */
import { randomUUID } from 'node:crypto';
import { holdersOf, lookup, type CollaborationTarget, type Conversation } from '@parlo/core';
import {
  ApiError,
  type MessageView,
  type MonitorView,
  type NoteRequest,
  type SystemNote,
} from '@parlo/protocol';
import {
  commit,
  defaultSettings,
  readSettings,
  SIGN_OUT_NOTICE_PREFIX,
  type Outgoing,
  type ServerContext,
} from '../../platform/index.ts';
import type { ConversationDetails, MessageRow, StoreTx, UserRow } from '../../store/index.ts';
import { audienceOf, conversationBlockOf, Presenter, SERVICE_WINDOW_MS } from '../../views/index.ts';
import { conversationFor, enqueueSend, presentStored } from '../conversations/index.ts';
import { runCommand, systemNoteRow } from '../routing/index.ts';
import { isBargedIn, liveConversation, monitorView } from './live.ts';

async function audit(
  tx: StoreTx,
  actor: UserRow,
  now: number,
  action: string,
  subject: string,
  detail?: unknown,
): Promise<void> {
  await tx.insertAudit({
    id: `aud_${randomUUID()}`,
    at: now,
    actorUserId: actor.id,
    action,
    subject,
    detail,
  });
}

async function detailsOf(tx: StoreTx, conversationId: string): Promise<ConversationDetails> {
  const [details] = await tx.getConversationDetails([conversationId]);
  if (!details) throw new ApiError('NOT_FOUND', 'No such conversation');
  return details;
}

/** Pushes a note or system note to everyone who sees the conversation (viewers); monitors refresh. */
function pushToViewers(
  out: Outgoing,
  details: ConversationDetails,
  view: MessageView,
  conversation?: Conversation,
): void {
  out.touch(details.id);
  for (const agentId of audienceOf(conversation ?? details).viewers)
    out.emit(agentId, { type: 'message.upserted', message: view });
}

/** Stores and pushes a system note about the supervisor's action. */
async function addNote(
  tx: StoreTx,
  out: Outgoing,
  details: ConversationDetails,
  note: SystemNote,
  conversation?: Conversation,
): Promise<void> {
  const row = systemNoteRow(details.id, note, out.now, `msg_${randomUUID()}`);
  await tx.insertSystemMessage(row);
  pushToViewers(out, details, (await Presenter.of(tx)).message(row, details), conversation);
}

/**
 * An internal note (issues 16 and 18): stored with the conversation like a message but with
 * direction `system`, so it never has an outbox row and never reaches the customer; its viewers
 * (participants), supervisors and the history see it. Idempotent by `clientMessageId`.
 */
async function storeNote(
  tx: StoreTx,
  out: Outgoing,
  author: UserRow,
  details: ConversationDetails,
  by: 'agent' | 'supervisor',
  body: NoteRequest,
): Promise<MessageView> {
  const { message, created } = await tx.insertOutboundMessage({
    id: `msg_${randomUUID()}`,
    conversationId: details.id,
    direction: 'system',
    wamid: null,
    kind: 'note',
    content: JSON.stringify({ kind: 'internalNote', by }),
    replyToWamid: null,
    text: body.text,
    authorName: author.displayName,
    authorUserId: author.id,
    sentAt: out.now,
    createdAt: out.now,
    status: null,
    failureReason: null,
    clientMessageId: body.clientMessageId,
  });
  const view = await presentStored(tx, message, details);
  if (created) {
    pushToViewers(out, details, view);
    await notifyMentioned(tx, out, author, details, message.id, body.text);
  }
  return view;
}

/** `@username` not glued to a letter, digit or dot before it (an e-mail address is no mention). */
const MENTION = /(?<![\p{L}\p{N}._-])@([A-Za-z0-9._-]{1,100})/gu;

/**
 * Issue 18: each agent a note or whisper mentions by `@username` is told — who wrote and in which
 * conversation (the customer's name masked as everywhere), never the text. Unknown names, deleted
 * users, people who are not agents and the author are skipped; each agent is told once.
 */
async function notifyMentioned(
  tx: StoreTx,
  out: Outgoing,
  author: UserRow,
  details: ConversationDetails,
  messageId: string,
  text: string,
): Promise<void> {
  const names = new Set([...text.matchAll(MENTION)].map((m) => (m[1] ?? '').replace(/[.]+$/, '')));
  if (names.size === 0) return;
  const presenter = await Presenter.of(tx);
  const customerName = presenter.customerNameOf(details);
  for (const name of names) {
    const user = await tx.findUserByUsername(name);
    if (!user || user.role !== 'agent' || user.id === author.id || (user.deletedAt ?? null) !== null)
      continue;
    out.emit(user.id, {
      type: 'note.mentioned',
      conversationId: details.id,
      messageId,
      by: author.displayName,
      customerName,
    });
  }
}

/** Issue 18: an agent taking part in the conversation (a viewer) writes an internal note. */
export function addInternalNote(
  ctx: ServerContext,
  author: UserRow,
  conversationId: string,
  body: NoteRequest,
): Promise<{ message: MessageView }> {
  return commit(ctx, async (tx, out) => {
    const details = await conversationFor(tx, author, conversationId, 'viewers');
    return { message: await storeNote(tx, out, author, details, 'agent', body) };
  });
}

/** Issue 16: a supervisor's whisper — a note to the agents of a live conversation. */
export function whisper(
  ctx: ServerContext,
  supervisor: UserRow,
  conversationId: string,
  body: NoteRequest,
): Promise<{ message: MessageView }> {
  return commit(ctx, async (tx, out, now) => {
    await liveConversation(tx, conversationId);
    const details = await detailsOf(tx, conversationId);
    const message = await storeNote(tx, out, supervisor, details, 'supervisor', body);
    await audit(tx, supervisor, now, 'conversation.whispered', conversationId);
    return { message };
  });
}

/**
 * A monitor socket opened (or closed) on this node: the row says so to every node, and while the
 * administrator lets agents see it, the conversation's agents are told who monitors it now.
 */
export async function monitorChanged(
  ctx: ServerContext,
  supervisor: UserRow,
  conversationId: string,
  open: boolean,
): Promise<void> {
  await commit(ctx, async (tx, out, now) => {
    const key = {
      conversationId,
      supervisorId: supervisor.id,
      mode: 'monitor' as const,
      nodeId: ctx.bus.nodeId,
    };
    if (open) {
      await tx.supervision.add({ ...key, since: now });
      await audit(tx, supervisor, now, 'conversation.monitored', conversationId);
    } else {
      await tx.supervision.remove(key);
    }
    const settings = await readSettings(tx, defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS));
    if (!settings.showMonitoringToAgents) return;
    const rows = await tx.supervision.ofConversations([conversationId]);
    const names: string[] = [];
    for (const id of new Set(rows.filter((r) => r.mode === 'monitor').map((r) => r.supervisorId))) {
      const user = await tx.findUserById(id);
      if (user) names.push(user.displayName);
    }
    const conversation = lookup(await tx.routing.read()).conversation(conversationId);
    for (const agentId of audienceOf(conversation).viewers)
      out.emit(agentId, { type: 'conversation.monitoring', conversationId, supervisors: names });
  });
}

/** The monitor's view after an action, for the route's answer. */
async function viewAfter(
  ctx: ServerContext,
  supervisor: UserRow,
  conversationId: string,
): Promise<{ view: MonitorView | null }> {
  return { view: (await monitorView(ctx, supervisor.id, conversationId)) ?? null };
}

/**
 * Barge-in: the supervisor joins an active conversation as a participant — like a conference guest
 * but outside the routing core (they take no agent's capacity and are never offered anything) —
 * and may write to the customer until they leave. A system note tells everyone.
 */
export async function bargeIn(
  ctx: ServerContext,
  supervisor: UserRow,
  conversationId: string,
): Promise<{ view: MonitorView | null }> {
  await commit(ctx, async (tx, out, now) => {
    const conversation = await liveConversation(tx, conversationId);
    if (conversation.phase.kind !== 'active')
      throw new ApiError('CONVERSATION_NOT_ACTIVE', 'Only an active conversation can be joined');
    if (await isBargedIn(tx, conversationId, supervisor.id)) return;
    await tx.supervision.add({
      conversationId,
      supervisorId: supervisor.id,
      mode: 'barge',
      nodeId: '',
      since: now,
    });
    const details = await detailsOf(tx, conversationId);
    await addNote(
      tx,
      out,
      details,
      { kind: 'supervisorJoined', supervisor: supervisor.displayName },
      conversation,
    );
    await audit(tx, supervisor, now, 'conversation.bargedIn', conversationId);
  });
  return viewAfter(ctx, supervisor, conversationId);
}

/** The barged-in supervisor leaves; a system note tells everyone. Leaving twice changes nothing. */
export async function leaveConversation(
  ctx: ServerContext,
  supervisor: UserRow,
  conversationId: string,
): Promise<{ view: MonitorView | null }> {
  await commit(ctx, async (tx, out, now) => {
    const details = await detailsOf(tx, conversationId);
    const removed = await tx.supervision.remove({
      conversationId,
      supervisorId: supervisor.id,
      mode: 'barge',
      nodeId: '',
    });
    if (!removed) return;
    const conversation = lookup(await tx.routing.read()).conversation(conversationId);
    await addNote(
      tx,
      out,
      details,
      { kind: 'supervisorLeft', supervisor: supervisor.displayName },
      conversation,
    );
    await audit(tx, supervisor, now, 'conversation.supervisorLeft', conversationId);
  });
  return viewAfter(ctx, supervisor, conversationId);
}

/**
 * A barged-in supervisor writes to the customer: inside the 24-hour window, not in a blocked
 * conversation (S-7), stored with its outbox row (idempotent), signed "*FirstName*: " when the
 * administrator's signatures are on, seen at once by the agents.
 */
export async function sendAsSupervisor(
  ctx: ServerContext,
  supervisor: UserRow,
  conversationId: string,
  body: NoteRequest,
): Promise<{ message: MessageView }> {
  const result = await commit(ctx, async (tx, out, now) => {
    const conversation = await liveConversation(tx, conversationId);
    if (!(await isBargedIn(tx, conversationId, supervisor.id)))
      throw new ApiError('NOT_BARGED_IN', 'Join the conversation before writing to the customer');
    if (conversation.phase.kind !== 'active')
      throw new ApiError('CONVERSATION_NOT_ACTIVE', 'This conversation has ended');
    const details = await detailsOf(tx, conversationId);
    if (conversationBlockOf(details) !== null)
      throw new ApiError(
        'CONVERSATION_BLOCKED',
        'An administrator deleted what this conversation depends on',
      );
    if (details.lastInboundAt === null || now > details.lastInboundAt + SERVICE_WINDOW_MS)
      throw new ApiError(
        'OUTSIDE_SERVICE_WINDOW',
        'The 24-hour window is closed: only templates can be sent',
      );
    const settings = await readSettings(tx, defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS));
    const firstName = supervisor.displayName.trim().split(/\s+/)[0] ?? supervisor.displayName;
    const row: MessageRow = {
      id: `msg_${randomUUID()}`,
      conversationId,
      direction: 'outbound',
      wamid: null,
      kind: 'text',
      content: null,
      replyToWamid: null,
      text: settings.conferenceSignatures ? `*${firstName}*: ${body.text}` : body.text,
      authorName: supervisor.displayName,
      authorUserId: supervisor.id,
      sentAt: now,
      createdAt: now,
      status: 'pending',
      failureReason: null,
      clientMessageId: body.clientMessageId,
    };
    const { message, created } = await tx.insertOutboundMessage(row);
    const view = await presentStored(tx, message, details);
    if (created) {
      await enqueueSend(tx, message, now);
      pushToViewers(out, details, view, conversation);
      await audit(tx, supervisor, now, 'conversation.supervisorWrote', conversationId);
    }
    return { message: view, created };
  });
  if (result.created) ctx.kickOutbox();
  return { message: result.message };
}

/**
 * Take over / reassign: the transfer mechanism (S-14..S-18) run on the owner's behalf — the owner
 * wraps up, the target is offered it (an agent) or it waits in the queue — plus a system note
 * naming the supervisor, and an audit entry. Only an active conversation has an owner to move it.
 */
export async function reassign(
  ctx: ServerContext,
  supervisor: UserRow,
  conversationId: string,
  target: CollaborationTarget,
): Promise<{ view: MonitorView | null }> {
  await commit(ctx, async (tx, out, now) => {
    const conversation = await liveConversation(tx, conversationId);
    const phase = conversation.phase;
    if (phase.kind !== 'active')
      throw new ApiError('CONVERSATION_NOT_ACTIVE', 'Only an active conversation can be reassigned');
    let targetName: string;
    if (target.kind === 'queue') {
      const queue = (await tx.listQueues()).find((q) => q.id === target.queueId);
      if (!queue) throw new ApiError('TRANSFER_TARGET_UNAVAILABLE', 'That queue no longer exists');
      targetName = queue.name;
    } else {
      const user = await tx.findUserById(target.agentId);
      if (
        !user ||
        (user.deletedAt !== undefined && user.deletedAt !== null) ||
        holdersOf(conversation).includes(user.id)
      )
        throw new ApiError('TRANSFER_TARGET_UNAVAILABLE', 'That agent cannot take it');
      targetName = user.displayName;
    }
    const settings = await readSettings(tx, defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS));
    const state = await runCommand(
      tx,
      out,
      {
        type: 'transfer.requested',
        agentId: phase.ownerId,
        conversationId,
        target,
        notAcceptedPolicy: settings.transferNotAcceptedPolicy,
      },
      now,
    );
    const details = await detailsOf(tx, conversationId);
    await addNote(
      tx,
      out,
      details,
      target.kind === 'queue'
        ? { kind: 'reassignedToQueue', supervisor: supervisor.displayName, queue: targetName }
        : { kind: 'reassignedToAgent', supervisor: supervisor.displayName, agent: targetName },
      lookup(state).conversation(conversationId),
    );
    await audit(tx, supervisor, now, 'conversation.reassigned', conversationId, {
      from: phase.ownerId,
      target,
    });
  });
  return viewAfter(ctx, supervisor, conversationId);
}

/**
 * Force sign-out: every session of the agent ends and their desktops close on every node; their
 * work then follows the disconnect rules (offers rescinded, open conversations kept for the grace
 * period, then re-queued with a note). Audited.
 */
export async function signOutAgent(ctx: ServerContext, supervisor: UserRow, agentId: string): Promise<void> {
  await commit(ctx, async (tx, _out, now) => {
    const user = await tx.findUserById(agentId);
    if (!user || (user.deletedAt !== undefined && user.deletedAt !== null))
      throw new ApiError('NOT_FOUND', 'No such agent');
    if (user.role !== 'agent' && supervisor.role !== 'admin')
      throw new ApiError('NOT_SUPERVISOR', 'Only an administrator signs out a supervisor or administrator');
    await tx.deleteSessionsOfUser(agentId);
    await audit(tx, supervisor, now, 'agent.signedOut', agentId);
  });
  ctx.hub.closeDesktops(agentId);
  ctx.bus.announce(new Map([[`${SIGN_OUT_NOTICE_PREFIX}${agentId}`, ctx.clock()]]));
}
