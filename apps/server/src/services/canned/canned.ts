import {
  ApiError,
  type CannedResponseView,
  type CannedResponsesResponse,
  type RenderedCannedResponse,
  type createCannedResponseRequestSchema,
  type UpdateCannedResponseRequest,
} from '@parlo/protocol';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { audit, type ServerContext } from '../../platform/index.ts';
import type { CannedResponseRow, CannedResponseScope, StoreTx, UserRow } from '../../store/index.ts';
import { Presenter } from '../../views/index.ts';
import { getVariables } from '../history/index.ts';
import { fillPlaceholders, firstNameOf } from './placeholders.ts';

const notFound = (what: string) => new ApiError('NOT_FOUND', `No such ${what}`);

/** Supervisors and administrators keep the queues' responses (and see them all in the console). */
const keepsQueueResponses = (user: UserRow): boolean => user.role === 'supervisor' || user.role === 'admin';

/** What `user` may use: an agent their queues' responses and their own; the others every one. */
async function scopeOf(tx: StoreTx, user: UserRow): Promise<CannedResponseScope> {
  if (user.role !== 'agent') return { kind: 'all' };
  const profile = (await tx.listAgentProfiles()).find((p) => p.userId === user.id);
  return { kind: 'forAgent', userId: user.id, queueIds: profile?.queueIds ?? [] };
}

function mayEdit(user: UserRow, row: CannedResponseRow): boolean {
  return row.ownerUserId === null ? keepsQueueResponses(user) : row.ownerUserId === user.id;
}

function toView(user: UserRow, row: CannedResponseRow): CannedResponseView {
  return {
    id: row.id,
    queueId: row.queueId,
    personal: row.ownerUserId === user.id,
    shortcut: row.shortcut,
    title: row.title,
    body: row.body,
    language: row.language,
    editable: mayEdit(user, row),
  };
}

/** One shortcut means one response among what its users see: per queue, and per agent's own. */
async function checkShortcutFree(
  tx: StoreTx,
  row: Pick<CannedResponseRow, 'queueId' | 'ownerUserId' | 'shortcut'>,
  self?: string,
): Promise<void> {
  const clash = (await tx.cannedResponses.list({ kind: 'all' })).find(
    (other) =>
      other.id !== self &&
      other.shortcut.toLowerCase() === row.shortcut.toLowerCase() &&
      other.queueId === row.queueId &&
      other.ownerUserId === row.ownerUserId,
  );
  if (clash) throw new ApiError('ALREADY_EXISTS', 'This shortcut is taken', { shortcut: 'taken' });
}

/**
 * The responses the caller uses (`all` false: an agent's queues' and own) or keeps (`all`: the
 * console's list, supervisors and administrators).
 */
export function listCannedResponses(
  ctx: ServerContext,
  user: UserRow,
  all: boolean,
): Promise<CannedResponsesResponse> {
  return ctx.store.transaction(async (tx) => {
    if (all && !keepsQueueResponses(user))
      throw new ApiError('FORBIDDEN', "Only supervisors and administrators keep the queues' responses");
    const rows = await tx.cannedResponses.list(all ? { kind: 'all' } : await scopeOf(tx, user));
    return { responses: rows.map((row) => toView(user, row)) };
  });
}

/** A queue's response (supervisors, administrators) or the caller's own (`queueId` null); audited. */
export function createCannedResponse(
  ctx: ServerContext,
  user: UserRow,
  body: z.output<typeof createCannedResponseRequestSchema>,
): Promise<{ response: CannedResponseView }> {
  return ctx.store.transaction(async (tx) => {
    const now = ctx.clock();
    if (body.queueId !== null) {
      if (!keepsQueueResponses(user))
        throw new ApiError('FORBIDDEN', "Only supervisors and administrators keep the queues' responses");
      if (!(await tx.listQueues()).some((q) => q.id === body.queueId))
        throw new ApiError('UNKNOWN_REFERENCE', 'No such queue', { queueId: 'No such queue' });
    }
    const row: CannedResponseRow = {
      id: `cr_${randomUUID()}`,
      queueId: body.queueId,
      ownerUserId: body.queueId === null ? user.id : null,
      shortcut: body.shortcut,
      title: body.title,
      body: body.body,
      language: body.language,
      createdAt: now,
      updatedAt: now,
    };
    await checkShortcutFree(tx, row);
    await tx.cannedResponses.insert(row);
    await audit(tx, user, now, 'canned.create', row.id, {
      queueId: row.queueId,
      personal: row.ownerUserId !== null,
      shortcut: row.shortcut,
    });
    return { response: toView(user, row) };
  });
}

async function editable(tx: StoreTx, user: UserRow, id: string): Promise<CannedResponseRow> {
  const row = await tx.cannedResponses.find(id);
  // Someone else's own response does not exist for the caller.
  if (!row || (row.ownerUserId !== null && row.ownerUserId !== user.id)) throw notFound('canned response');
  if (!mayEdit(user, row))
    throw new ApiError('FORBIDDEN', "Only supervisors and administrators change the queues' responses");
  return row;
}

export function updateCannedResponse(
  ctx: ServerContext,
  user: UserRow,
  id: string,
  patch: UpdateCannedResponseRequest,
): Promise<{ response: CannedResponseView }> {
  return ctx.store.transaction(async (tx) => {
    const row = await editable(tx, user, id);
    const next: CannedResponseRow = { ...row, ...patch, updatedAt: ctx.clock() };
    if (patch.shortcut !== undefined) await checkShortcutFree(tx, next, id);
    await tx.cannedResponses.update(id, { ...patch, updatedAt: next.updatedAt });
    await audit(tx, user, next.updatedAt, 'canned.update', id, { fields: Object.keys(patch).sort() });
    return { response: toView(user, next) };
  });
}

export function deleteCannedResponse(ctx: ServerContext, user: UserRow, id: string): Promise<{ ok: true }> {
  return ctx.store.transaction(async (tx) => {
    const row = await editable(tx, user, id);
    await tx.cannedResponses.delete(id);
    await audit(tx, user, ctx.clock(), 'canned.delete', id, { shortcut: row.shortcut });
    return { ok: true };
  });
}

/**
 * A response's text filled for a conversation the caller may read (its viewers), from the
 * customer, the caller and the conversation's CAD variables — every value as the caller's views
 * show it (S-12: masked when masking is on), so a preview never reveals what the pane hides.
 */
export async function renderCannedResponse(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
  id: string,
): Promise<RenderedCannedResponse> {
  // Who may read the conversation's variables may fill a response for it (same rule, same 403).
  const { variables } = await getVariables(ctx, user, conversationId);
  return ctx.store.transaction(async (tx) => {
    const scope = await scopeOf(tx, user);
    const row = await tx.cannedResponses.find(id);
    const usable =
      row !== undefined &&
      (scope.kind === 'all' ||
        row.ownerUserId === user.id ||
        (row.queueId !== null && scope.queueIds.includes(row.queueId)));
    if (!row || !usable) throw notFound('canned response');
    const [details] = await tx.getConversationDetails([conversationId]);
    if (!details) throw notFound('conversation');
    const profile = await tx.findCustomerProfile(details.customerId);
    const presenter = await Presenter.of(tx);
    const customerName = presenter.maskName(
      profile?.displayName ?? details.customerName,
      details.businessDisplayNumber,
    );
    const values = new Map<string, string>([
      ...variables.map((v): [string, string] => [v.key, v.value]),
      ['customer.name', customerName],
      ['customer.first_name', firstNameOf(customerName)],
      ['agent.name', user.displayName],
      ['agent.first_name', firstNameOf(user.displayName)],
      ['queue.name', details.queueName],
    ]);
    return fillPlaceholders(row.body, values);
  });
}
