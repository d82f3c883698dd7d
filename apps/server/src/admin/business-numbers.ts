import {
  adminBusinessNumberResponseSchema,
  adminBusinessNumbersResponseSchema,
  adminRoutes,
  createBusinessNumberRequestSchema,
  okResponseSchema,
  updateBusinessNumberRequestSchema,
  type AdminBusinessNumberView,
} from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { commit, type ServerContext } from '../context.ts';
import { parseOr400 } from '../http/errors.ts';
import { registerDocumented, type RouteDoc } from '../openapi/registry.ts';
import type { BusinessNumberRow, StoreTx } from '../store/index.ts';
import {
  alreadyExists,
  audit,
  changes,
  idOf,
  newId,
  notFound,
  requireAdmin,
  unknownReference,
} from './common.ts';
import { pushBlockedConversations } from './s7.ts';

const ONE = `${adminRoutes.businessNumbers}/{id}`;

export const BUSINESS_NUMBER_DOCS = {
  list: {
    method: 'GET',
    path: adminRoutes.businessNumbers,
    summary: 'WhatsApp business numbers (not deleted); secrets are never returned',
    tag: 'Business numbers',
    auth: 'admin',
    response: adminBusinessNumbersResponseSchema,
  },
  create: {
    method: 'POST',
    path: adminRoutes.businessNumbers,
    summary: 'Add a business number (access token, app secrets and verify token are write-only)',
    tag: 'Business numbers',
    auth: 'admin',
    body: createBusinessNumberRequestSchema,
    response: adminBusinessNumberResponseSchema,
    status: 201,
    errors: ['ALREADY_EXISTS', 'UNKNOWN_REFERENCE'],
  },
  get: {
    method: 'GET',
    path: ONE,
    summary: 'One business number',
    tag: 'Business numbers',
    auth: 'admin',
    response: adminBusinessNumberResponseSchema,
  },
  update: {
    method: 'PATCH',
    path: ONE,
    summary: 'Change a business number; app secret rotation: addAppSecret, later retireOldAppSecrets',
    tag: 'Business numbers',
    auth: 'admin',
    body: updateBusinessNumberRequestSchema,
    response: adminBusinessNumberResponseSchema,
    errors: ['ALREADY_EXISTS', 'UNKNOWN_REFERENCE'],
  },
  remove: {
    method: 'DELETE',
    path: ONE,
    summary:
      "Delete a business number (soft). Its live conversations become blocked (S-7); customers' later messages are stored and listed for admins",
    tag: 'Business numbers',
    auth: 'admin',
    response: okResponseSchema,
  },
} as const satisfies Record<string, RouteDoc>;

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

export function registerBusinessNumberRoutes(app: FastifyInstance, ctx: ServerContext): void {
  registerDocumented(app, BUSINESS_NUMBER_DOCS.list, async (request) => {
    await requireAdmin(ctx, request);
    const numbers = await ctx.store.transaction((tx) => tx.listBusinessNumbers());
    return { businessNumbers: numbers.map(toBusinessNumberView) };
  });

  registerDocumented(app, BUSINESS_NUMBER_DOCS.get, async (request) => {
    await requireAdmin(ctx, request);
    const id = idOf(request);
    return { businessNumber: toBusinessNumberView(await ctx.store.transaction((tx) => liveNumber(tx, id))) };
  });

  registerDocumented(app, BUSINESS_NUMBER_DOCS.create, async (request) => {
    const admin = await requireAdmin(ctx, request);
    const body = parseOr400(createBusinessNumberRequestSchema, request.body);
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
  });

  registerDocumented(app, BUSINESS_NUMBER_DOCS.update, async (request) => {
    const admin = await requireAdmin(ctx, request);
    const id = idOf(request);
    const body = parseOr400(updateBusinessNumberRequestSchema, request.body);
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
  });

  registerDocumented(app, BUSINESS_NUMBER_DOCS.remove, async (request) => {
    const admin = await requireAdmin(ctx, request);
    const id = idOf(request);
    return commit(ctx, async (tx, out, now) => {
      const number = await liveNumber(tx, id);
      await tx.softDeleteBusinessNumber(id, now);
      const blocked = await pushBlockedConversations(tx, out, { businessNumberId: id });
      await audit(tx, admin, now, 'businessNumbers.delete', id, {
        phoneNumberId: number.phoneNumberId,
        displayPhoneNumber: number.displayPhoneNumber,
        blockedConversations: blocked,
      });
      return { ok: true as const };
    });
  });
}
