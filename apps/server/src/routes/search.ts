import { searchQuerySchema, searchResponseSchema, searchRoutes } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { registerDocumented, type RouteDoc } from '../openapi/index.ts';
import { parseOr400, type ServerContext } from '../platform/index.ts';
import { requireUser } from '../services/auth/index.ts';
import { searchConversations } from '../services/search/index.ts';

/** Issue 15's search routes, described once: registered from these objects, documented from them too. */
const docs = {
  conversations: {
    method: 'GET',
    path: searchRoutes.conversations,
    summary:
      'Search conversations by words of their messages, customer name, number (exact, by keyed hash), agent, queue, business number, wrap-up reason and dates; masked per S-12. Agents search their own',
    tag: 'Search',
    auth: 'user',
    query: searchQuerySchema,
    response: searchResponseSchema,
    errors: ['VALIDATION_FAILED', 'FORBIDDEN'],
  },
} satisfies Record<string, RouteDoc>;

/** Issue 15's search routes, for the OpenAPI document. */
export const SEARCH_ROUTE_DOCS: readonly RouteDoc[] = Object.values(docs);

/** Search over conversations (issue 15). */
export function registerSearchRoutes(app: FastifyInstance, ctx: ServerContext): void {
  registerDocumented(app, docs.conversations, async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    return searchConversations(ctx, user, parseOr400(searchQuerySchema, request.query));
  });
}
