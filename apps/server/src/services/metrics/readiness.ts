import type { ServerContext } from '../../platform/index.ts';

/** How long each live check of readiness may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 2000;

/** Whether this node should get traffic now and, if not, why (for the balancer and the operator). */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/**
 * `/healthz`: not ready while the node drains, is misconfigured, or cannot reach its database or
 * (in cluster mode) Redis. Each check is bounded, so a hung dependency answers "not ready" fast.
 */
export async function readiness(ctx: ServerContext): Promise<Readiness> {
  if (ctx.node.draining) return { ready: false, reason: 'draining' };
  const misconfiguration = ctx.node.misconfiguration;
  if (misconfiguration !== undefined) return { ready: false, reason: misconfiguration };
  const [database, bus] = await Promise.all([
    bounded(ctx.store.transaction((tx) => tx.getSetting('schema')).then(() => true)),
    ctx.bus.shared ? bounded(ctx.bus.ping()) : Promise.resolve(true),
  ]);
  if (!database) return { ready: false, reason: 'database unreachable' };
  if (!bus) return { ready: false, reason: 'redis unreachable' };
  return { ready: true };
}

function bounded(check: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  return Promise.race([check.catch(() => false), timeout]).finally(() => clearTimeout(timer));
}
