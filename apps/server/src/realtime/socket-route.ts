import { ApiError } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../platform/index.ts';
import { sessionUser } from '../services/auth/index.ts';
import type { RealtimeHub } from './hub.ts';

/** An agent's desktop feed: `/api/ws`, for a signed-in user only. */
export function registerSocketRoute(app: FastifyInstance, ctx: ServerContext, hub: RealtimeHub): void {
  // Authenticated before the upgrade, so the socket is taken over synchronously and no early
  // frame (the desktop's hello) can slip past before a listener exists.
  const socketUsers = new WeakMap<object, string>();
  app.get(
    '/api/ws',
    {
      websocket: true,
      preValidation: async (request) => {
        // A draining node takes no new desktop: it would close it again in a moment.
        if (ctx.node.draining) throw new ApiError('UNAVAILABLE', 'This node is stopping; reconnect');
        // A reconnect storm's session reads are spread over turns of the loop (P7).
        const user = await hub.reconnects.run(() => sessionUser(ctx.store, request, ctx.clock()));
        if (!user) throw new ApiError('UNAUTHENTICATED', 'Sign in first');
        socketUsers.set(request, user.id);
      },
    },
    (socket, request) => {
      const userId = socketUsers.get(request);
      if (userId === undefined) {
        socket.close(4001, 'unauthenticated');
        return;
      }
      hub.attach(socket, userId);
    },
  );
}
