/**
 * Issue 18 (ADR 27): a queue's business hours and out-of-hours reply, and the center's automatic
 * messages. Every change is audited; a change of hours routes what waits at once (a queue that
 * just opened offers its conversations; one that closed stops).
 */
import type {
  AutomaticMessages,
  BusinessHours,
  BusinessHoursResponse,
  UpdateBusinessHoursRequest,
} from '@parlo/protocol';
import { defaultBusinessHours } from '@parlo/protocol';
import { commit, defaultSettings, readSettings, type ServerContext } from '../../platform/index.ts';
import type { BusinessHoursRow, StoreTx, UserRow } from '../../store/index.ts';
import { isOpenAt, readAutomaticMessages, writeAutomaticMessages } from '../automation/index.ts';
import { routeAgain } from '../routing/index.ts';
import { audit, changes, invalidField, notFound, unknownReference } from './common.ts';

function toView(row: BusinessHoursRow | undefined): BusinessHours {
  if (!row) return defaultBusinessHours;
  return {
    enabled: row.enabled,
    intervals: row.intervals.map((i) => ({ day: i.day, from: i.from, to: i.to })),
    holidays: [...row.holidays],
    outOfHours: row.outOfHours,
    overflowQueueId: row.overflowQueueId,
    replyEn: row.replyEn,
    replyIt: row.replyIt,
  };
}

async function liveQueueId(tx: StoreTx, id: string): Promise<string> {
  const queue = await tx.findQueueById(id);
  if (!queue || (queue.deletedAt ?? null) !== null) throw notFound('queue');
  return queue.id;
}

async function answer(tx: StoreTx, hours: BusinessHours, now: number): Promise<BusinessHoursResponse> {
  const { timeZone } = await readSettings(tx, defaultSettings(0));
  return { businessHours: hours, openNow: !hours.enabled || isOpenAt(hours, timeZone, now), timeZone };
}

export function getBusinessHours(ctx: ServerContext, queueId: string): Promise<BusinessHoursResponse> {
  return ctx.store.transaction(async (tx) => {
    const id = await liveQueueId(tx, queueId);
    return answer(tx, toView(await tx.businessHours.find(id)), ctx.clock());
  });
}

export function updateBusinessHours(
  ctx: ServerContext,
  admin: UserRow,
  queueId: string,
  body: UpdateBusinessHoursRequest,
): Promise<BusinessHoursResponse> {
  return commit(ctx, async (tx, out, now) => {
    const id = await liveQueueId(tx, queueId);
    if (body.outOfHours === 'overflow') {
      if (body.overflowQueueId === null)
        throw invalidField('overflowQueueId', 'An overflow queue is needed to send conversations there');
      if (body.overflowQueueId === id)
        throw invalidField('overflowQueueId', 'A queue cannot overflow to itself');
      const target = await tx.findQueueById(body.overflowQueueId);
      if (!target || (target.deletedAt ?? null) !== null)
        throw unknownReference('overflowQueueId', 'No such queue');
    }
    const before = toView(await tx.businessHours.find(id));
    const after: BusinessHours = {
      ...body,
      overflowQueueId: body.outOfHours === 'overflow' ? body.overflowQueueId : null,
      holidays: [...new Set(body.holidays)].sort(),
    };
    await tx.businessHours.put({ queueId: id, ...after, updatedAt: now });
    // The replies are staff-written text, not customer data: the change is audited whole.
    await audit(tx, admin, now, 'businessHours.update', id, changes(before, after));
    await routeAgain(tx, out, now);
    return answer(tx, after, now);
  });
}

export async function getAutomaticMessages(
  ctx: ServerContext,
): Promise<{ automaticMessages: AutomaticMessages }> {
  return { automaticMessages: await ctx.store.transaction((tx) => readAutomaticMessages(tx)) };
}

export function updateAutomaticMessages(
  ctx: ServerContext,
  admin: UserRow,
  body: AutomaticMessages,
): Promise<{ automaticMessages: AutomaticMessages }> {
  return commit(ctx, async (tx, _out, now) => {
    const before = await readAutomaticMessages(tx);
    await writeAutomaticMessages(tx, body);
    await audit(tx, admin, now, 'automaticMessages.update', 'automaticMessages', changes(before, body));
    return { automaticMessages: body };
  });
}
