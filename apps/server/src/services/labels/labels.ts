import {
  ApiError,
  type AssignedLabelsResponse,
  type ConversationLabels,
  type createLabelRequestSchema,
  type LabelView,
  type LabelsResponse,
  type UpdateLabelRequest,
} from '@parlo/protocol';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { audit, commit, type ServerContext } from '../../platform/index.ts';
import type { ConversationDetails, LabelRow, StoreTx, UserRow } from '../../store/index.ts';
import { audienceOf, labelsByConversation, toLabelView } from '../../views/index.ts';
import { readsEverything } from '../history/index.ts';

const notFound = (what: string) => new ApiError('NOT_FOUND', `No such ${what}`);

/** Who may set and unset labels on a conversation: its owner and joined guest, supervisors, administrators. */
export function labelsConversation(user: UserRow, details: ConversationDetails): boolean {
  return (
    user.role === 'supervisor' || user.role === 'admin' || audienceOf(details).watchers.includes(user.id)
  );
}

/** Every label, by name: any signed-in user (the picker, the search filter). */
export function listLabels(ctx: ServerContext): Promise<LabelsResponse> {
  return ctx.store.transaction(async (tx) => ({ labels: (await tx.labels.list()).map(toLabelView) }));
}

async function checkNameFree(tx: StoreTx, name: string, self?: string): Promise<void> {
  const clash = await tx.labels.findByName(name);
  if (clash && clash.id !== self)
    throw new ApiError('ALREADY_EXISTS', 'A label with this name exists', { name: 'taken' });
}

/** A new label (the route checked the caller is an administrator); audited. */
export function createLabel(
  ctx: ServerContext,
  user: UserRow,
  body: z.output<typeof createLabelRequestSchema>,
): Promise<{ label: LabelView }> {
  return ctx.store.transaction(async (tx) => {
    const now = ctx.clock();
    await checkNameFree(tx, body.name);
    const row: LabelRow = {
      id: `lbl_${randomUUID()}`,
      name: body.name,
      color: body.color,
      description: body.description === '' ? null : body.description,
      createdAt: now,
      updatedAt: now,
    };
    await tx.labels.insert(row);
    await audit(tx, user, now, 'label.create', row.id, { name: row.name, color: row.color });
    return { label: toLabelView(row) };
  });
}

/** Renames, recolors or redescribes a label (administrators); audited. */
export function updateLabel(
  ctx: ServerContext,
  user: UserRow,
  id: string,
  patch: UpdateLabelRequest,
): Promise<{ label: LabelView }> {
  return ctx.store.transaction(async (tx) => {
    const row = await tx.labels.find(id);
    if (!row) throw notFound('label');
    const clean = {
      ...patch,
      ...(patch.description === '' ? { description: null } : {}),
    };
    if (clean.name !== undefined) await checkNameFree(tx, clean.name, id);
    const next: LabelRow = { ...row, ...clean, updatedAt: ctx.clock() };
    await tx.labels.update(id, { ...clean, updatedAt: next.updatedAt });
    await audit(tx, user, next.updatedAt, 'label.update', id, {
      fields: Object.keys(patch).sort(),
      name: next.name,
    });
    return { label: toLabelView(next) };
  });
}

/**
 * Deletes a label (administrators) and takes it off every conversation (ADR 26: a hard delete;
 * the audit keeps its name). Audited with how many conversations carried it.
 */
export function deleteLabel(ctx: ServerContext, user: UserRow, id: string): Promise<{ ok: true }> {
  return ctx.store.transaction(async (tx) => {
    const row = await tx.labels.find(id);
    if (!row) throw notFound('label');
    await tx.labels.delete(id);
    await audit(tx, user, ctx.clock(), 'label.delete', id, { name: row.name });
    return { ok: true };
  });
}

/** The conversation if `user` may read it: its viewers, and who reads everything (ADR 15). */
async function readable(tx: StoreTx, user: UserRow, conversationId: string): Promise<ConversationDetails> {
  const [details] = await tx.getConversationDetails([conversationId]);
  if (!details) throw notFound('conversation');
  if (!audienceOf(details).viewers.includes(user.id) && !(await readsEverything(tx, user)))
    throw new ApiError('NOT_CONVERSATION_OWNER', 'This conversation belongs to another agent');
  return details;
}

async function labelsOfOne(tx: StoreTx, conversationId: string): Promise<LabelView[]> {
  return (await tx.labels.labelsOf([conversationId])).map((l) => toLabelView(l.label));
}

/** A conversation's labels, for who may read it. */
export function getConversationLabels(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
): Promise<ConversationLabels> {
  return ctx.store.transaction(async (tx) => {
    await readable(tx, user, conversationId);
    return { conversationId, labels: await labelsOfOne(tx, conversationId) };
  });
}

/**
 * The labels of several conversations (a desktop's task list after a snapshot): those the caller
 * may read; the others are left out rather than refused, as a list goes stale between two reads.
 */
export function assignedLabels(
  ctx: ServerContext,
  user: UserRow,
  conversationIds: readonly string[],
): Promise<AssignedLabelsResponse> {
  return ctx.store.transaction(async (tx) => {
    const everything = await readsEverything(tx, user);
    const details = await tx.getConversationDetails([...new Set(conversationIds)]);
    const allowed = details
      .filter((d) => everything || audienceOf(d).viewers.includes(user.id))
      .map((d) => d.id);
    const labels = labelsByConversation(await tx.labels.labelsOf(allowed));
    return {
      conversations: allowed.map((conversationId) => ({
        conversationId,
        labels: labels.get(conversationId) ?? [],
      })),
    };
  });
}

/**
 * Sets (`on`) or unsets a label on a conversation: its owner or joined guest, a supervisor or an
 * administrator (others: 403 NOT_CONVERSATION_OWNER). The new list is pushed to everyone who has
 * the conversation in their task pane (`conversation.labels`, in their event logs), and its
 * monitors refresh.
 */
export function setConversationLabel(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
  labelId: string,
  on: boolean,
): Promise<ConversationLabels> {
  return commit(ctx, async (tx, out, now) => {
    const [details] = await tx.getConversationDetails([conversationId]);
    if (!details) throw notFound('conversation');
    if (!labelsConversation(user, details))
      throw new ApiError('NOT_CONVERSATION_OWNER', 'This conversation belongs to another agent');
    if (!(await tx.labels.find(labelId))) throw notFound('label');
    const changed = on
      ? await tx.labels.assign({
          conversationId,
          labelId,
          startedAt: details.receivedAt,
          setAt: now,
          setBy: user.id,
        })
      : await tx.labels.unassign(conversationId, labelId);
    const labels = await labelsOfOne(tx, conversationId);
    if (changed) {
      for (const viewer of audienceOf(details).viewers)
        out.emit(viewer, { type: 'conversation.labels', conversationId, labels });
      out.touch(conversationId);
    }
    return { conversationId, labels };
  });
}
