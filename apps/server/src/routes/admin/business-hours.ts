import {
  adminRoutes,
  automationRoutes,
  automaticMessagesResponseSchema,
  businessHoursResponseSchema,
  updateAutomaticMessagesRequestSchema,
  updateBusinessHoursRequestSchema,
} from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerDocumented, type RouteDoc } from '../../openapi/index.ts';
import { idParams, parseOr400, type ServerContext } from '../../platform/index.ts';
import {
  getAutomaticMessages,
  getBusinessHours,
  updateAutomaticMessages,
  updateBusinessHours,
} from '../../services/admin/index.ts';
import { requireAdmin } from '../../services/auth/index.ts';

/** The OpenAPI path of one queue's business hours. */
const ONE = `${adminRoutes.queues}/{id}/business-hours`;

export const BUSINESS_HOURS_DOCS = {
  getBusinessHours: {
    method: 'GET',
    path: ONE,
    summary: "A queue's business hours and out-of-hours reply (issue 18)",
    tag: 'Queues',
    auth: 'admin',
    response: businessHoursResponseSchema,
  },
  updateBusinessHours: {
    method: 'PUT',
    path: ONE,
    summary: "Set a queue's business hours and out-of-hours reply; audited, routes what waits again",
    tag: 'Queues',
    auth: 'admin',
    body: updateBusinessHoursRequestSchema,
    response: businessHoursResponseSchema,
  },
  getAutomaticMessages: {
    method: 'GET',
    path: automationRoutes.automaticMessages,
    summary: 'The automatic messages: welcome, out of hours, closing (issue 18)',
    tag: 'Settings',
    auth: 'admin',
    response: automaticMessagesResponseSchema,
  },
  updateAutomaticMessages: {
    method: 'PUT',
    path: automationRoutes.automaticMessages,
    summary: 'Set the automatic messages; audited',
    tag: 'Settings',
    auth: 'admin',
    body: updateAutomaticMessagesRequestSchema,
    response: automaticMessagesResponseSchema,
  },
} as const satisfies Record<string, RouteDoc>;

/** Issue 18 (ADR 27): business hours per queue and the center's automatic messages. */
export function registerBusinessHoursRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const admin = (request: FastifyRequest) => requireAdmin(ctx.store, request, ctx.clock());

  registerDocumented(app, BUSINESS_HOURS_DOCS.getBusinessHours, async (request) => {
    await admin(request);
    return getBusinessHours(ctx, parseOr400(idParams, request.params).id);
  });

  registerDocumented(app, BUSINESS_HOURS_DOCS.updateBusinessHours, async (request) => {
    const by = await admin(request);
    const { id } = parseOr400(idParams, request.params);
    return updateBusinessHours(ctx, by, id, parseOr400(updateBusinessHoursRequestSchema, request.body));
  });

  registerDocumented(app, BUSINESS_HOURS_DOCS.getAutomaticMessages, async (request) => {
    await admin(request);
    return getAutomaticMessages(ctx);
  });

  registerDocumented(app, BUSINESS_HOURS_DOCS.updateAutomaticMessages, async (request) => {
    const by = await admin(request);
    return updateAutomaticMessages(ctx, by, parseOr400(updateAutomaticMessagesRequestSchema, request.body));
  });
}
