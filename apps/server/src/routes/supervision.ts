import {
  setAgentStateRequestSchema,
  supervisorOverviewQuerySchema,
  supervisorRoutes,
  type SupervisorOverview,
} from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { idParams, parseOr400, type ServerContext } from '../platform/index.ts';
import { requireSupervisor } from '../services/auth/index.ts';
import { setAgentStateBySupervisor, supervisorOverview } from '../services/supervision/index.ts';

/** Who waits and for how long, and the agents' states: no customer waits unseen (issue 3). */
export function registerSupervisionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(supervisorRoutes.overview, async (request): Promise<SupervisorOverview> => {
    await requireSupervisor(ctx.store, request, ctx.clock());
    const { waitingLimit } = parseOr400(supervisorOverviewQuerySchema, request.query);
    return supervisorOverview(ctx, waitingLimit);
  });

  // S-4: besides the agent, only a supervisor takes an agent out of RONA; the change is audited.
  app.post('/api/supervisor/agents/:id/state', async (request) => {
    const supervisor = await requireSupervisor(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    const body = parseOr400(setAgentStateRequestSchema, request.body);
    return setAgentStateBySupervisor(ctx, supervisor, id, body);
  });
}
