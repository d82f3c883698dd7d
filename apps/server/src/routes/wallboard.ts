import { wallboardRoutes, wallboardSchema } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { registerDocumented, type RouteDoc } from '../openapi/index.ts';
import type { ServerContext } from '../platform/index.ts';
import type { WallboardService } from '../services/wallboard/index.ts';
import { requireSupervisorRole } from './supervision.ts';

const TAG = 'Supervision';

/** Issue 16's wallboard, described once: registered from these objects, documented too. */
const docs = {
  wallboard: {
    method: 'GET',
    path: wallboardRoutes.wallboard,
    summary:
      "The wallboard now: per queue and overall, who waits and since when, today's offered / answered / abandoned, service level, ASA, AHT, RONA, transfers; agents by state, load and occupancy",
    tag: TAG,
    auth: 'user',
    response: wallboardSchema,
    errors: ['NOT_SUPERVISOR'],
  },
  socket: {
    method: 'GET',
    path: wallboardRoutes.socket,
    summary:
      'WebSocket upgrade: the wallboard (frames `wallboard`), again within a second of every change; read-only',
    tag: TAG,
    auth: 'user',
    errors: ['NOT_SUPERVISOR'],
  },
} satisfies Record<string, RouteDoc>;

/** The wallboard's routes, for the OpenAPI document (the socket is registered by the realtime edge). */
export const WALLBOARD_ROUTE_DOCS: readonly RouteDoc[] = Object.values(docs);

export function registerWallboardRoutes(
  app: FastifyInstance,
  ctx: ServerContext,
  wallboard: WallboardService,
): void {
  registerDocumented(app, docs.wallboard, async (request) => {
    await requireSupervisorRole(ctx, request);
    return wallboard.read();
  });
}
