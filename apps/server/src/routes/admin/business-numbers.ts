import {
  adminBusinessNumberResponseSchema,
  adminBusinessNumbersResponseSchema,
  adminRoutes,
  createBusinessNumberRequestSchema,
  okResponseSchema,
  updateBusinessNumberRequestSchema,
} from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerDocumented, type RouteDoc } from '../../openapi/index.ts';
import { idOf, parseOr400, type ServerContext } from '../../platform/index.ts';
import {
  createBusinessNumber,
  deleteBusinessNumber,
  getBusinessNumber,
  listBusinessNumbers,
  updateBusinessNumber,
} from '../../services/admin/index.ts';
import { requireAdmin } from '../../services/auth/index.ts';

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

export function registerBusinessNumberRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const admin = (request: FastifyRequest) => requireAdmin(ctx.store, request, ctx.clock());

  registerDocumented(app, BUSINESS_NUMBER_DOCS.list, async (request) => {
    await admin(request);
    return listBusinessNumbers(ctx);
  });

  registerDocumented(app, BUSINESS_NUMBER_DOCS.get, async (request) => {
    await admin(request);
    return getBusinessNumber(ctx, idOf(request));
  });

  registerDocumented(app, BUSINESS_NUMBER_DOCS.create, async (request) => {
    const by = await admin(request);
    return createBusinessNumber(ctx, by, parseOr400(createBusinessNumberRequestSchema, request.body));
  });

  registerDocumented(app, BUSINESS_NUMBER_DOCS.update, async (request) => {
    const by = await admin(request);
    const id = idOf(request);
    return updateBusinessNumber(ctx, by, id, parseOr400(updateBusinessNumberRequestSchema, request.body));
  });

  registerDocumented(app, BUSINESS_NUMBER_DOCS.remove, async (request) => {
    const by = await admin(request);
    return deleteBusinessNumber(ctx, by, idOf(request));
  });
}
