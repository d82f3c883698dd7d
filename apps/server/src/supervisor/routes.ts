import { lookup } from '@parlo/core';
import { randomUUID } from 'node:crypto';
import {
  ApiError,
  setAgentStateRequestSchema,
  supervisorRoutes,
  type SupervisorOverview,
  type WaitingConversationView,
} from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../auth/sessions.ts';
import { commit, type ServerContext } from '../context.ts';
import { parseOr400, rejectionError } from '../http/errors.ts';
import { decideAndApply, detailsById } from '../routing/engine.ts';
import type { UserRow } from '../store/index.ts';
import { Presenter, toAgentView } from '../views/index.ts';

const agentParams = z.object({ id: z.string().min(1).max(200) });

async function requireSupervisor(ctx: ServerContext, request: FastifyRequest): Promise<UserRow> {
  const user = await requireUser(ctx.store, request, ctx.clock());
  if (user.role !== 'supervisor' && user.role !== 'admin') {
    throw new ApiError('FORBIDDEN', 'Only supervisors and administrators can do this');
  }
  return user;
}

/** Who waits and for how long, and the agents' states: no customer waits unseen (issue 3). */
export function registerSupervisorRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(supervisorRoutes.overview, async (request): Promise<SupervisorOverview> => {
    await requireSupervisor(ctx, request);
    return ctx.store.transaction(async (tx) => {
      const state = await tx.routing.read();
      const world = lookup(state);
      const presenter = await Presenter.load(tx);
      const users = new Map((await tx.listUsers()).map((u) => [u.id, u]));
      const queues = await tx.listQueues();
      // From the indexes: each queue's waiting list, and the conversations offered to an agent now.
      const waitingConversations = [
        ...queues.flatMap((q) => world.waiting(q.id).flatMap((w) => world.conversation(w.id) ?? [])),
        ...[...world.agents()].flatMap((agent) =>
          world.heldBy(agent.id).flatMap((id) => {
            const c = world.conversation(id);
            return c?.phase.kind === 'offered' && c.phase.agentId === agent.id ? [c] : [];
          }),
        ),
      ];
      const details = await detailsById(
        tx,
        waitingConversations.map((c) => c.id),
      );
      const waiting: WaitingConversationView[] = [];
      for (const conversation of waitingConversations) {
        const d = details.get(conversation.id);
        if (!d) continue;
        const phase = conversation.phase;
        waiting.push({
          conversationId: conversation.id,
          customerName: presenter.customerNameOf(d),
          queueId: conversation.queueId,
          queueName: queues.find((q) => q.id === conversation.queueId)?.name ?? conversation.queueId,
          receivedAt: new Date(conversation.receivedAt).toISOString(),
          offeredTo:
            phase.kind === 'offered' ? (users.get(phase.agentId)?.displayName ?? phase.agentId) : null,
        });
      }
      waiting.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
      const agents = [...world.agents()].flatMap((agent) => {
        const user = users.get(agent.id);
        return user ? [{ ...toAgentView(agent, user, state), connected: ctx.hub.isConnected(agent.id) }] : [];
      });
      agents.sort((a, b) => a.displayName.localeCompare(b.displayName));
      return {
        queues: queues.map((q) => ({
          id: q.id,
          name: q.name,
          waiting: waiting.filter((w) => w.queueId === q.id).length,
        })),
        waiting,
        agents,
      };
    });
  });

  // S-4: besides the agent, only a supervisor takes an agent out of RONA; the change is audited.
  app.post('/api/supervisor/agents/:id/state', async (request) => {
    const supervisor = await requireSupervisor(ctx, request);
    const { id } = parseOr400(agentParams, request.params);
    const body = parseOr400(setAgentStateRequestSchema, request.body);
    return commit(ctx, async (tx, out, now) => {
      if (body.kind === 'idle' && !(await tx.listIdleCodes()).some((c) => c.id === body.idleCodeId)) {
        throw new ApiError('UNKNOWN_IDLE_CODE', 'No such idle code');
      }
      const decision = await decideAndApply(
        tx,
        out,
        {
          type: 'agent.stateRequested',
          agentId: id,
          to: body,
          by: { kind: 'supervisor', supervisorId: supervisor.id },
        },
        now,
      );
      if (decision.kind === 'rejected') {
        throw decision.rejection === 'AGENT_NOT_FOUND'
          ? new ApiError('NOT_FOUND', 'No such agent')
          : rejectionError(decision.rejection);
      }
      const agent = lookup(decision.state).agent(id);
      const user = await tx.findUserById(id);
      if (!agent || !user) throw new ApiError('NOT_FOUND', 'No such agent');
      await tx.insertAudit({
        id: `aud_${randomUUID()}`,
        at: now,
        actorUserId: supervisor.id,
        action: 'agent.stateChanged',
        subject: id,
        detail: body,
      });
      return { agent: toAgentView(agent, user, decision.state) };
    });
  });
}
