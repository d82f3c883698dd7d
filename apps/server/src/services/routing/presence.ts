import { lookup, type RoutingEvent } from '@parlo/core';
import { commit, disconnectGraceMs, type ServerContext } from '../../platform/index.ts';
import type { StoreTx } from '../../store/index.ts';
import { decideAndApply } from './engine.ts';

/**
 * Presence drives routing: a desktop gone rescinds its offers and starts the grace period. The
 * grace period is the administrator's setting (config as the default), read in the same
 * transaction that starts it.
 */
async function presenceEvent(
  ctx: ServerContext,
  tx: StoreTx,
  agentId: string,
  present: boolean,
): Promise<RoutingEvent> {
  return present
    ? { type: 'agent.reconnected', agentId }
    : {
        type: 'agent.disconnected',
        agentId,
        graceMs: await disconnectGraceMs(tx, ctx.config.DISCONNECT_GRACE_SECONDS),
      };
}

/**
 * An agent's first desktop on this node arrived (`present`) or their last one here left. The bus
 * is told first; a departure is decided under the routing lock and only if no node holds a desktop
 * of theirs then, so a desktop that moved to another node (or is reconnecting to this one) never
 * loses its offers. An arrival always commits, after its presence is visible to every node.
 */
export async function presenceChanged(ctx: ServerContext, agentId: string, present: boolean): Promise<void> {
  try {
    await ctx.bus.setPresence(agentId, present);
  } catch (err) {
    // Redis away: an arrival still counts (the heartbeat publishes it once Redis is back); a
    // departure is left to the sweep, which asks again later.
    ctx.logger.warn({ err, agentId, event: 'presence.unpublished' }, 'presence not published');
    if (!present) return;
  }
  await commit(ctx, async (tx, out, now) => {
    if (!present && !(await departedUnderLock(ctx, tx, agentId))) return;
    await decideAndApply(tx, out, await presenceEvent(ctx, tx, agentId, present), now);
  });
}

/**
 * Every agent routing counts as present but with no desktop on any live node is treated as
 * disconnected (offers rescinded, grace period started). Run after a start, once desktops had
 * time to reconnect, and, in cluster mode, periodically: a node that died stops renewing its
 * agents' presence, and whoever did not reconnect elsewhere is swept by a node that is alive.
 * Each departure is checked again under the routing lock. Returns how many were swept.
 */
export async function sweepPresence(ctx: ServerContext): Promise<number> {
  const state = await ctx.store.transaction((tx) => tx.routing.read());
  const counted = [...lookup(state).agents()].filter((agent) => agent.disconnectedAt === undefined);
  const present = await ctx.bus.presentAnywhere(counted.map((agent) => agent.id));
  let swept = 0;
  for (const agent of counted) {
    if (present.has(agent.id)) continue;
    const gone = await commit(ctx, async (tx, out, now) => {
      if (!(await departedUnderLock(ctx, tx, agent.id))) return false;
      await decideAndApply(tx, out, await presenceEvent(ctx, tx, agent.id, false), now);
      return true;
    });
    if (gone) swept += 1;
  }
  return swept;
}

/**
 * Whether the agent counts as present in routing but has no desktop on any node, asked under the
 * routing lock: an arrival's presence is visible before its own decision waits for that lock, so
 * the two cannot cross (a departure decided first is undone by the arrival decided after it).
 */
async function departedUnderLock(ctx: ServerContext, tx: StoreTx, agentId: string): Promise<boolean> {
  const agent = lookup(await tx.routing.forDecision()).agent(agentId);
  if (agent?.disconnectedAt !== undefined) return false;
  return !(await ctx.bus.presentAnywhere([agentId])).has(agentId);
}
