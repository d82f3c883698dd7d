import { conferenceRequestSchema, transferRequestSchema, type TargetsResponse } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idParams, parseOr400, type ServerContext } from '../platform/index.ts';
import { requireUser } from '../services/auth/index.ts';
import {
  collaborationTargets,
  endConference,
  exitConference,
  requestConference,
  transfer,
} from '../services/collaboration/index.ts';

// Fastify's patterns of `collaborationRoutes` (which encodes its argument, so cannot build them).
/** `purpose=conference` lists only queues with an agent who could join now. */
const targetsQuery = z.object({ purpose: z.enum(['transfer', 'conference']).optional() });

/** Transfer (S-14..S-18) and conference (S-19..S-23). */
export function registerCollaborationRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // S-15, S-16: who can take it now. Only the owner asks (they are the one who may transfer).
  app.get('/api/conversations/:id/targets', async (request): Promise<TargetsResponse> => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    const { purpose } = parseOr400(targetsQuery, request.query);
    return collaborationTargets(ctx, user, id, purpose);
  });

  // S-14, S-17, S-18: the owner hands it on and wraps up at once; the answer is their wrap-up view.
  app.post('/api/conversations/:id/transfer', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    const { target } = parseOr400(transferRequestSchema, request.body);
    return transfer(ctx, user, id, target);
  });

  // S-19: the owner asks for a guest; the answer shows "Conference requested".
  app.post('/api/conversations/:id/conference', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    const { target } = parseOr400(conferenceRequestSchema, request.body);
    return requestConference(ctx, user, id, target);
  });

  // S-21, S-23: the owner ends the conference (or withdraws the request); the guest wraps up.
  app.post('/api/conversations/:id/conference/end', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    return endConference(ctx, user, parseOr400(idParams, request.params).id);
  });

  // S-22, S-23: the guest leaves; the answer is the guest's view, now in wrap-up.
  app.post('/api/conversations/:id/conference/exit', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    return exitConference(ctx, user, parseOr400(idParams, request.params).id);
  });
}
