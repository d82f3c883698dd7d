import { adminRoutes, deletedNumberMessagesResponseSchema } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { registerDocumented, type RouteDoc } from '../../openapi/index.ts';
import type { ServerContext } from '../../platform/index.ts';
import { deletedNumberMessages } from '../../services/admin/index.ts';
import { requireAdmin } from '../../services/auth/index.ts';

export const DELETED_NUMBER_DOCS = {
  list: {
    method: 'GET',
    path: adminRoutes.deletedNumberMessages,
    summary:
      'S-7: customer messages that arrived on a deleted business number (stored, never dropped), newest first',
    tag: 'Business numbers',
    auth: 'admin',
    response: deletedNumberMessagesResponseSchema,
  },
} as const satisfies Record<string, RouteDoc>;

export function registerDeletedNumberRoutes(app: FastifyInstance, ctx: ServerContext): void {
  registerDocumented(app, DELETED_NUMBER_DOCS.list, async (request) => {
    await requireAdmin(ctx.store, request, ctx.clock());
    return deletedNumberMessages(ctx);
  });
}
