/** Queues and their routing policies; a change routes what waits at once, a delete blocks (S-7). */
import type { AdminQueueView, createQueueRequestSchema, updateQueueRequestSchema } from '@parlo/protocol';
import type { z } from 'zod';
import { commit, type ServerContext } from '../../platform/index.ts';
import type { QueueRow, StoreTx, UserRow } from '../../store/index.ts';
import { routeAgain } from '../routing/index.ts';
import {
  alreadyExists,
  audit,
  changes,
  inUse,
  invalidField,
  newId,
  notFound,
  sameName,
  unknownReference,
} from './common.ts';
import { pushBlockedConversations, withdrawUnaccepted } from './s7.ts';

const seconds = (ms: number | null | undefined): number | null =>
  ms === null || ms === undefined ? null : Math.round(ms / 1000);
const millis = (s: number | null): number | null => (s === null ? null : s * 1000);
const MINUTE = 60_000;

function toView(q: QueueRow): AdminQueueView {
  return {
    id: q.id,
    name: q.name,
    priority: q.priority,
    offerTimeoutSeconds: Math.round(q.offerTimeoutMs / 1000),
    strategy: q.strategy,
    maxWaitSeconds: seconds(q.maxWaitMs),
    overflowQueueId: q.overflowQueueId ?? null,
    wrapUpReasonIds: [...(q.wrapUpReasonIds ?? [])],
    defaultWrapUpReasonId: q.defaultWrapUpReasonId ?? null,
    autoWrapUpSeconds: seconds(q.autoWrapUpMs),
    windowFirst: q.windowFirst
      ? {
          thresholdMinutes: Math.round(q.windowFirst.thresholdMs / MINUTE),
          maxOvertakeMinutes: Math.round(q.windowFirst.maxOvertakeMs / MINUTE),
        }
      : null,
    stickyAgentSeconds: seconds(q.stickyAgentMs),
    serviceLevelSeconds: seconds(q.serviceLevelMs),
  };
}

function toRow(id: string, v: Omit<AdminQueueView, 'id'>): QueueRow {
  return {
    id,
    name: v.name,
    priority: v.priority,
    offerTimeoutMs: v.offerTimeoutSeconds * 1000,
    strategy: v.strategy,
    maxWaitMs: millis(v.maxWaitSeconds),
    overflowQueueId: v.overflowQueueId,
    wrapUpReasonIds: v.wrapUpReasonIds,
    defaultWrapUpReasonId: v.defaultWrapUpReasonId,
    autoWrapUpMs: millis(v.autoWrapUpSeconds),
    windowFirst: v.windowFirst
      ? {
          thresholdMs: v.windowFirst.thresholdMinutes * MINUTE,
          maxOvertakeMs: v.windowFirst.maxOvertakeMinutes * MINUTE,
        }
      : null,
    stickyAgentMs: millis(v.stickyAgentSeconds),
    serviceLevelMs: millis(v.serviceLevelSeconds),
  };
}

async function liveQueue(tx: StoreTx, id: string): Promise<QueueRow> {
  const queue = await tx.findQueueById(id);
  if (!queue || (queue.deletedAt ?? null) !== null) throw notFound('queue');
  return queue;
}

/** The rules across fields and references, each reported on the field the form shows it by. */
async function validate(tx: StoreTx, id: string, v: AdminQueueView): Promise<void> {
  const queues = await tx.listQueues();
  if (queues.some((q) => q.id !== id && sameName(q.name, v.name)))
    throw alreadyExists('name', 'A queue with this name exists');
  if ((v.maxWaitSeconds === null) !== (v.overflowQueueId === null)) {
    throw v.maxWaitSeconds === null
      ? invalidField('maxWaitSeconds', 'A maximum wait is needed with an overflow queue')
      : invalidField('overflowQueueId', 'An overflow queue is needed with a maximum wait');
  }
  if (v.overflowQueueId !== null) {
    if (v.overflowQueueId === id) throw invalidField('overflowQueueId', 'A queue cannot overflow to itself');
    if (!queues.some((q) => q.id === v.overflowQueueId))
      throw unknownReference('overflowQueueId', 'No such queue');
  }
  const reasons = new Set((await tx.listWrapUpReasons()).map((r) => r.id));
  for (const [i, reasonId] of v.wrapUpReasonIds.entries()) {
    if (!reasons.has(reasonId)) throw unknownReference(`wrapUpReasonIds.${i}`, 'No such wrap-up reason');
  }
  if (v.defaultWrapUpReasonId !== null) {
    if (!reasons.has(v.defaultWrapUpReasonId))
      throw unknownReference('defaultWrapUpReasonId', 'No such wrap-up reason');
    if (v.wrapUpReasonIds.length > 0 && !v.wrapUpReasonIds.includes(v.defaultWrapUpReasonId))
      throw invalidField('defaultWrapUpReasonId', "The default must be one of the queue's reasons");
  }
  if (v.autoWrapUpSeconds !== null && v.defaultWrapUpReasonId === null)
    throw invalidField('defaultWrapUpReasonId', 'Auto wrap-up needs a default reason');
}

export async function listQueues(ctx: ServerContext): Promise<{ queues: AdminQueueView[] }> {
  return { queues: (await ctx.store.transaction((tx) => tx.listQueues())).map(toView) };
}

export async function getQueue(ctx: ServerContext, id: string): Promise<{ queue: AdminQueueView }> {
  return { queue: toView(await ctx.store.transaction((tx) => liveQueue(tx, id))) };
}

export function createQueue(
  ctx: ServerContext,
  admin: UserRow,
  body: z.output<typeof createQueueRequestSchema>,
): Promise<{ queue: AdminQueueView }> {
  return commit(ctx, async (tx, _out, now) => {
    const view: AdminQueueView = { id: newId('q'), ...body };
    await validate(tx, view.id, view);
    await tx.insertQueue(toRow(view.id, view));
    await audit(tx, admin, now, 'queues.create', view.id, view);
    return { queue: view };
  });
}

export function updateQueue(
  ctx: ServerContext,
  admin: UserRow,
  id: string,
  body: z.output<typeof updateQueueRequestSchema>,
): Promise<{ queue: AdminQueueView }> {
  return commit(ctx, async (tx, out, now) => {
    const before = toView(await liveQueue(tx, id));
    const after: AdminQueueView = { ...before, ...body };
    await validate(tx, id, after);
    await tx.updateQueue(toRow(id, after));
    await audit(tx, admin, now, 'queues.update', id, changes(before, after));
    // A new strategy, priority or timeout applies from the next offer on: route what waits now.
    await routeAgain(tx, out, now);
    return { queue: after };
  });
}

/**
 * Soft delete, refused while a business number targets it or a queue overflows to it; its live
 * conversations become blocked (S-7).
 */
export function deleteQueue(ctx: ServerContext, admin: UserRow, id: string): Promise<{ ok: true }> {
  return commit(ctx, async (tx, out, now) => {
    const queue = await liveQueue(tx, id);
    const number = (await tx.listBusinessNumbers()).find((n) => n.queueId === id);
    if (number)
      throw inUse('queueId', `The business number ${number.displayPhoneNumber} sends its customers here`);
    const overflowing = (await tx.listQueues()).find((q) => q.id !== id && q.overflowQueueId === id);
    if (overflowing) throw inUse('overflowQueueId', `The queue ${overflowing.name} overflows to this queue`);
    await tx.softDeleteQueue(id, now);
    // Nobody takes new work from a deleted queue.
    for (const profile of await tx.listAgentProfiles()) {
      if (!profile.queueIds.includes(id)) continue;
      await tx.upsertAgentProfile(
        { ...profile, queueIds: profile.queueIds.filter((q) => q !== id) },
        '',
        now,
      );
    }
    const withdrawn = await withdrawUnaccepted(tx, out, { queueId: id }, now);
    const blocked = await pushBlockedConversations(tx, out, { queueId: id });
    await audit(tx, admin, now, 'queues.delete', id, {
      name: queue.name,
      blockedConversations: blocked,
      withdrawnConversations: withdrawn,
    });
    return { ok: true as const };
  });
}
