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

/** An agent's first desktop arrived (`present`) or their last one left. */
export function presenceChanged(ctx: ServerContext, agentId: string, present: boolean): Promise<void> {
  return commit(ctx, async (tx, out, now) => {
    await decideAndApply(tx, out, await presenceEvent(ctx, tx, agentId, present), now);
  });
}

/**
 * Sockets do not survive a restart: every agent routing counts as present but who has no desktop
 * connected here is treated as disconnected. Returns how many. (One node: in cluster mode
 * presence will be shared through Redis.)
 */
export async function sweepPresence(ctx: ServerContext): Promise<number> {
  const state = await ctx.store.transaction((tx) => tx.routing.read());
  const absent = [...lookup(state).agents()].filter(
    (agent) => agent.disconnectedAt === undefined && !ctx.hub.isConnected(agent.id),
  );
  for (const agent of absent) await presenceChanged(ctx, agent.id, false);
  return absent.length;
}
