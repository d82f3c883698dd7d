import { routes, setAgentStateRequestSchema, wrapUpRequestSchema } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { idParams, parseOr400, type ServerContext } from '../platform/index.ts';
import { requireUser } from '../services/auth/index.ts';
import {
  acceptOffer,
  agentCatalog,
  declineOffer,
  endConversation,
  setAgentState,
  wrapUp,
} from '../services/routing/index.ts';

/** An agent's routing: the catalog, their state, offers, End and wrap-up. */
export function registerAgentRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(routes.catalog, async (request) => {
    await requireUser(ctx.store, request, ctx.clock());
    return agentCatalog(ctx);
  });

  // S-3, S-4: the agent picks Available or Idle with a code; leaving RONA is done here too, by hand.
  app.post(routes.agentState, async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    return setAgentState(ctx, user, parseOr400(setAgentStateRequestSchema, request.body));
  });

  app.post('/api/offers/:id/accept', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    return acceptOffer(ctx, user, parseOr400(idParams, request.params).id);
  });

  // S-17: the recipient turns a (transfer or conference) offer down; it ends as a lapse would.
  app.post('/api/offers/:id/decline', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    return declineOffer(ctx, user, parseOr400(idParams, request.params).id);
  });

  // S-24: End puts the conversation in wrap-up.
  app.post('/api/conversations/:id/end', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    return endConversation(ctx, user, parseOr400(idParams, request.params).id);
  });

  // S-25, S-26: a reason from the list completes the conversation.
  app.post('/api/conversations/:id/wrap-up', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    const body = parseOr400(wrapUpRequestSchema, request.body);
    return wrapUp(ctx, user, id, body.reasonId);
  });
}
