import { randomUUID } from 'node:crypto';
import { lookup } from '@parlo/core';
import {
  ApiError,
  DEFAULT_WAITING_LIMIT,
  type AgentView,
  type SetAgentStateRequest,
  type SupervisorOverview,
  type WaitingConversationView,
} from '@parlo/protocol';
import { commit, rejectionError, type ServerContext } from '../../platform/index.ts';
import type { UserRow } from '../../store/index.ts';
import { Presenter, toAgentView } from '../../views/index.ts';
import { decideAndApply, detailsById } from '../routing/index.ts';

/**
 * Who waits and for how long, and the agents' states: no customer waits unseen (issue 3). Read
 * from the routing world's indexes, without the routing lock; the counts are whole, the list holds
 * the `waitingLimit` longest waiting (a backlog of 50,000 is counted, not sent).
 */
export function supervisorOverview(
  ctx: ServerContext,
  waitingLimit = DEFAULT_WAITING_LIMIT,
): Promise<SupervisorOverview> {
  return ctx.store.transaction(async (tx) => {
    const state = await tx.routing.read();
    const world = lookup(state);
    const presenter = await Presenter.load(tx);
    const users = new Map((await tx.listUsers()).map((u) => [u.id, u]));
    const queues = await tx.listQueues();
    // The conversations offered to an agent right now (held by them, phase offered).
    const offered = [...world.agents()].flatMap((agent) =>
      world.heldBy(agent.id).flatMap((id) => {
        const c = world.conversation(id);
        return c?.phase.kind === 'offered' && c.phase.agentId === agent.id ? [c] : [];
      }),
    );
    const counts = new Map(queues.map((q) => [q.id, world.waiting(q.id).length]));
    for (const c of offered) counts.set(c.queueId, (counts.get(c.queueId) ?? 0) + 1);
    // Each queue's list is in serving order: its first `waitingLimit` hold its longest waiting.
    const waitingConversations = [
      ...queues.flatMap((q) =>
        world
          .waiting(q.id)
          .slice(0, waitingLimit)
          .flatMap((w) => world.conversation(w.id) ?? []),
      ),
      ...offered,
    ]
      .sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, waitingLimit);
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
        offeredTo: phase.kind === 'offered' ? (users.get(phase.agentId)?.displayName ?? phase.agentId) : null,
      });
    }
    waiting.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    // A desktop on any node counts (in cluster mode presence lives in Redis).
    const connected = await ctx.bus.presentAnywhere([...world.agents()].map((agent) => agent.id));
    const agents = [...world.agents()].flatMap((agent) => {
      const user = users.get(agent.id);
      return user ? [{ ...toAgentView(agent, user, state), connected: connected.has(agent.id) }] : [];
    });
    agents.sort((a, b) => a.displayName.localeCompare(b.displayName));
    return {
      queues: queues.map((q) => ({ id: q.id, name: q.name, waiting: counts.get(q.id) ?? 0 })),
      waiting,
      waitingTotal: [...counts.values()].reduce((sum, n) => sum + n, 0),
      agents,
    };
  });
}

/** S-4: besides the agent, only a supervisor takes an agent out of RONA; the change is audited. */
export function setAgentStateBySupervisor(
  ctx: ServerContext,
  supervisor: UserRow,
  agentId: string,
  to: SetAgentStateRequest,
): Promise<{ agent: AgentView }> {
  return commit(ctx, async (tx, out, now) => {
    if (to.kind === 'idle' && !(await tx.listIdleCodes()).some((c) => c.id === to.idleCodeId)) {
      throw new ApiError('UNKNOWN_IDLE_CODE', 'No such idle code');
    }
    const decision = await decideAndApply(
      tx,
      out,
      { type: 'agent.stateRequested', agentId, to, by: { kind: 'supervisor', supervisorId: supervisor.id } },
      now,
    );
    if (decision.kind === 'rejected') {
      throw decision.rejection === 'AGENT_NOT_FOUND'
        ? new ApiError('NOT_FOUND', 'No such agent')
        : rejectionError(decision.rejection);
    }
    const agent = lookup(decision.state).agent(agentId);
    const user = await tx.findUserById(agentId);
    if (!agent || !user) throw new ApiError('NOT_FOUND', 'No such agent');
    await tx.insertAudit({
      id: `aud_${randomUUID()}`,
      at: now,
      actorUserId: supervisor.id,
      action: 'agent.stateChanged',
      subject: agentId,
      detail: to,
    });
    return { agent: toAgentView(agent, user, decision.state) };
  });
}
