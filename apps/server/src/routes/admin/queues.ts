import {
  adminQueueResponseSchema,
  adminQueuesResponseSchema,
  adminRoutes,
  createQueueRequestSchema,
  okResponseSchema,
  updateQueueRequestSchema,
} from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerDocumented, type RouteDoc } from '../../openapi/index.ts';
import { idOf, parseOr400, type ServerContext } from '../../platform/index.ts';
import { createQueue, deleteQueue, getQueue, listQueues, updateQueue } from '../../services/admin/index.ts';
import { requireAdmin } from '../../services/auth/index.ts';

const ONE = `${adminRoutes.queues}/{id}`;

export const QUEUE_DOCS = {
  list: {
    method: 'GET',
    path: adminRoutes.queues,
    summary: 'Queues (not deleted) and their routing policies',
    tag: 'Queues',
    auth: 'admin',
    response: adminQueuesResponseSchema,
  },
  create: {
    method: 'POST',
    path: adminRoutes.queues,
    summary: 'Create a queue',
    tag: 'Queues',
    auth: 'admin',
    body: createQueueRequestSchema,
    response: adminQueueResponseSchema,
    status: 201,
    errors: ['ALREADY_EXISTS', 'UNKNOWN_REFERENCE'],
  },
  get: {
    method: 'GET',
    path: ONE,
    summary: 'One queue',
    tag: 'Queues',
    auth: 'admin',
    response: adminQueueResponseSchema,
  },
  update: {
    method: 'PATCH',
    path: ONE,
    summary: 'Change a queue (fields present only); waiting conversations are routed again at once',
    tag: 'Queues',
    auth: 'admin',
    body: updateQueueRequestSchema,
    response: adminQueueResponseSchema,
    errors: ['ALREADY_EXISTS', 'UNKNOWN_REFERENCE'],
  },
  remove: {
    method: 'DELETE',
    path: ONE,
    summary:
      'Delete a queue (soft). Refused while a business number targets it or a queue overflows to it; its live conversations become blocked (S-7)',
    tag: 'Queues',
    auth: 'admin',
    response: okResponseSchema,
    errors: ['IN_USE'],
  },
} as const satisfies Record<string, RouteDoc>;

export function registerQueueRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const admin = (request: FastifyRequest) => requireAdmin(ctx.store, request, ctx.clock());

  registerDocumented(app, QUEUE_DOCS.list, async (request) => {
    await admin(request);
    return listQueues(ctx);
  });

  registerDocumented(app, QUEUE_DOCS.get, async (request) => {
    await admin(request);
    return getQueue(ctx, idOf(request));
  });

  registerDocumented(app, QUEUE_DOCS.create, async (request) => {
    const by = await admin(request);
    return createQueue(ctx, by, parseOr400(createQueueRequestSchema, request.body));
  });

  registerDocumented(app, QUEUE_DOCS.update, async (request) => {
    const by = await admin(request);
    const id = idOf(request);
    return updateQueue(ctx, by, id, parseOr400(updateQueueRequestSchema, request.body));
  });

  registerDocumented(app, QUEUE_DOCS.remove, async (request) => {
    const by = await admin(request);
    return deleteQueue(ctx, by, idOf(request));
  });
}
