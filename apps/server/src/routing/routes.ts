import { ApiError, routes, setAgentStateRequestSchema, wrapUpRequestSchema } from '@parlo/protocol';
import { wrapUpQueueOf, lookup } from '@parlo/core';
import type { FastifyInstance } from 'fastify';
import { requireUser } from '../auth/sessions.ts';
import { commit, type ServerContext } from '../context.ts';
import { parseOr400 } from '../http/errors.ts';
import { toAgentView } from '../views/index.ts';
import { conversationViewAfter, idParams, runCommand } from './commands.ts';

export function registerRoutingRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(routes.catalog, async (request) => {
    await requireUser(ctx.store, request, ctx.clock());
    return ctx.store.transaction(async (tx) => ({
      idleCodes: (await tx.listIdleCodes()).map(({ id, name }) => ({ id, name })),
      wrapUpReasons: (await tx.listWrapUpReasons()).map(({ id, name }) => ({ id, name })),
      queues: (await tx.listQueues()).map(({ id, name, wrapUpReasonIds }) => ({
        id,
        name,
        wrapUpReasonIds: [...(wrapUpReasonIds ?? [])],
      })),
    }));
  });

  // S-3, S-4: the agent picks Available or Idle with a code; leaving RONA is done here too, by hand.
  app.post(routes.agentState, async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const body = parseOr400(setAgentStateRequestSchema, request.body);
    return commit(ctx, async (tx, out, now) => {
      if (body.kind === 'idle') {
        const codes = await tx.listIdleCodes();
        if (!codes.some((c) => c.id === body.idleCodeId))
          throw new ApiError('UNKNOWN_IDLE_CODE', 'No such idle code');
      }
      const state = await runCommand(
        tx,
        out,
        { type: 'agent.stateRequested', agentId: user.id, to: body },
        now,
      );
      const agent = lookup(state).agent(user.id);
      if (!agent) throw new ApiError('FORBIDDEN', 'Only agents have a state');
      return { agent: toAgentView(agent, user, state) };
    });
  });

  app.post('/api/offers/:id/accept', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    return commit(ctx, async (tx, out, now) => {
      const before = await tx.routing.read();
      const conversationId = lookup(before).offer(id)?.conversationId;
      const state = await runCommand(
        tx,
        out,
        { type: 'offer.acceptRequested', agentId: user.id, offerId: id },
        now,
      );
      if (!conversationId) throw new ApiError('INTERNAL', 'Accepted offer has no conversation');
      // The new owner's view, or the guest's when it was a conference request (S-20).
      return { conversation: await conversationViewAfter(tx, out, state, conversationId, user.id) };
    });
  });

  // S-17: the recipient turns a (transfer or conference) offer down; it ends as a lapse would.
  app.post('/api/offers/:id/decline', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    return commit(ctx, async (tx, out, now) => {
      const state = await runCommand(
        tx,
        out,
        { type: 'offer.declineRequested', agentId: user.id, offerId: id },
        now,
      );
      const agent = lookup(state).agent(user.id);
      if (!agent) throw new ApiError('FORBIDDEN', 'Only agents receive offers');
      return { agent: toAgentView(agent, user, state) };
    });
  });

  // S-24: End puts the conversation in wrap-up.
  app.post('/api/conversations/:id/end', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    return commit(ctx, async (tx, out, now) => {
      const state = await runCommand(
        tx,
        out,
        { type: 'conversation.endRequested', agentId: user.id, conversationId: id },
        now,
      );
      return { conversation: await conversationViewAfter(tx, out, state, id, user.id) };
    });
  });

  // S-25, S-26: a reason from the list completes the conversation.
  app.post('/api/conversations/:id/wrap-up', async (request) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    const body = parseOr400(wrapUpRequestSchema, request.body);
    return commit(ctx, async (tx, out, now) => {
      const reasons = await tx.listWrapUpReasons();
      if (!reasons.some((r) => r.id === body.reasonId)) {
        throw new ApiError('UNKNOWN_WRAP_UP_REASON', 'No such wrap-up reason');
      }
      // A queue may narrow the reasons its conversations are wrapped up with: the queue the agent
      // worked it in (a transferring agent's, not the one it went on to).
      const queueId = wrapUpQueueOf(lookup(await tx.routing.read()).conversation(id), user.id);
      const queue = (await tx.listQueues()).find((q) => q.id === queueId);
      const allowed = queue?.wrapUpReasonIds ?? [];
      if (allowed.length > 0 && !allowed.includes(body.reasonId)) {
        throw new ApiError('UNKNOWN_WRAP_UP_REASON', "Not a wrap-up reason of this conversation's queue");
      }
      await runCommand(
        tx,
        out,
        { type: 'wrapUp.submitted', agentId: user.id, conversationId: id, reasonId: body.reasonId },
        now,
      );
      return { ok: true as const };
    });
  });
}
