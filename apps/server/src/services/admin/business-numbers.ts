/** WhatsApp business numbers: secrets write-only, app secret rotation, soft delete (S-7). */
import type {
  AdminBusinessNumberView,
  createBusinessNumberRequestSchema,
  updateBusinessNumberRequestSchema,
} from '@parlo/protocol';
import type { z } from 'zod';
import { commit, type ServerContext } from '../../platform/index.ts';
import type { BusinessNumberRow, StoreTx, UserRow } from '../../store/index.ts';
import { alreadyExists, audit, changes, newId, notFound, unknownReference } from './common.ts';
import { pushBlockedConversations, withdrawUnaccepted } from './s7.ts';

/** Secrets are write-only: only whether they are set, and how many app secrets. */
export function toBusinessNumberView(n: BusinessNumberRow): AdminBusinessNumberView {
  return {
    id: n.id,
    phoneNumberId: n.phoneNumberId,
    displayPhoneNumber: n.displayPhoneNumber,
    wabaId: n.wabaId,
    queueId: n.queueId,
    accessTokenSet: n.accessToken !== '',
    appSecretCount: n.appSecrets.length,
    verifyTokenSet: n.verifyToken !== '',
  };
}

async function liveNumber(tx: StoreTx, id: string): Promise<BusinessNumberRow> {
  const number = await tx.findBusinessNumberById(id);
  if (!number || (number.deletedAt ?? null) !== null) throw notFound('business number');
  return number;
}

async function validate(tx: StoreTx, n: BusinessNumberRow): Promise<void> {
  const clash = await tx.findBusinessNumberByPhoneNumberId(n.phoneNumberId);
  if (clash && clash.id !== n.id && (clash.deletedAt ?? null) === null)
    throw alreadyExists('phoneNumberId', 'Another business number has this phone number id');
  if (!(await tx.listQueues()).some((q) => q.id === n.queueId))
    throw unknownReference('queueId', 'No such queue');
}

export async function listBusinessNumbers(
  ctx: ServerContext,
): Promise<{ businessNumbers: AdminBusinessNumberView[] }> {
  const numbers = await ctx.store.transaction((tx) => tx.listBusinessNumbers());
  return { businessNumbers: numbers.map(toBusinessNumberView) };
}

export async function getBusinessNumber(
  ctx: ServerContext,
  id: string,
): Promise<{ businessNumber: AdminBusinessNumberView }> {
  return { businessNumber: toBusinessNumberView(await ctx.store.transaction((tx) => liveNumber(tx, id))) };
}

export function createBusinessNumber(
  ctx: ServerContext,
  admin: UserRow,
  body: z.output<typeof createBusinessNumberRequestSchema>,
): Promise<{ businessNumber: AdminBusinessNumberView }> {
  return commit(ctx, async (tx, _out, now) => {
    const number: BusinessNumberRow = {
      id: newId('bn'),
      ...body,
      displayPhoneNumber: body.displayPhoneNumber.replace(/^\+/, ''),
    };
    await validate(tx, number);
    await tx.insertBusinessNumber(number);
    const view = toBusinessNumberView(number);
    await audit(tx, admin, now, 'businessNumbers.create', number.id, view);
    return { businessNumber: view };
  });
}

export function updateBusinessNumber(
  ctx: ServerContext,
  admin: UserRow,
  id: string,
  body: z.output<typeof updateBusinessNumberRequestSchema>,
): Promise<{ businessNumber: AdminBusinessNumberView }> {
  return commit(ctx, async (tx, _out, now) => {
    const before = await liveNumber(tx, id);
    let appSecrets = body.appSecrets ?? before.appSecrets;
    // Rotation: the new secret joins the old ones (both verify webhooks) until they are retired.
    if (body.addAppSecret !== undefined)
      appSecrets = [...appSecrets.filter((s) => s !== body.addAppSecret), body.addAppSecret];
    if (body.retireOldAppSecrets === true) appSecrets = appSecrets.slice(-1);
    const after: BusinessNumberRow = {
      ...before,
      ...(body.phoneNumberId === undefined ? {} : { phoneNumberId: body.phoneNumberId }),
      ...(body.displayPhoneNumber === undefined
        ? {}
        : { displayPhoneNumber: body.displayPhoneNumber.replace(/^\+/, '') }),
      ...(body.wabaId === undefined ? {} : { wabaId: body.wabaId }),
      ...(body.accessToken === undefined ? {} : { accessToken: body.accessToken }),
      ...(body.verifyToken === undefined ? {} : { verifyToken: body.verifyToken }),
      ...(body.queueId === undefined ? {} : { queueId: body.queueId }),
      appSecrets,
    };
    await validate(tx, after);
    await tx.updateBusinessNumber(after);
    // The audit says which secrets changed, never what they are.
    const detail = changes(
      { ...toBusinessNumberView(before), accessToken: before.accessToken, verifyToken: before.verifyToken },
      { ...toBusinessNumberView(after), accessToken: after.accessToken, verifyToken: after.verifyToken },
      ['accessToken', 'verifyToken'],
    );
    if (body.addAppSecret !== undefined || body.appSecrets !== undefined) detail.appSecrets = 'changed';
    await audit(tx, admin, now, 'businessNumbers.update', id, detail);
    return { businessNumber: toBusinessNumberView(after) };
  });
}

/** Soft delete: its live conversations become blocked (S-7); later messages are kept for admins. */
export function deleteBusinessNumber(ctx: ServerContext, admin: UserRow, id: string): Promise<{ ok: true }> {
  return commit(ctx, async (tx, out, now) => {
    const number = await liveNumber(tx, id);
    await tx.softDeleteBusinessNumber(id, now);
    const withdrawn = await withdrawUnaccepted(tx, out, { businessNumberId: id }, now);
    const blocked = await pushBlockedConversations(tx, out, { businessNumberId: id });
    await audit(tx, admin, now, 'businessNumbers.delete', id, {
      phoneNumberId: number.phoneNumberId,
      displayPhoneNumber: number.displayPhoneNumber,
      blockedConversations: blocked,
      withdrawnConversations: withdrawn,
    });
    return { ok: true as const };
  });
}
