import { ApiError } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../platform/index.ts';
import { sessionUser } from '../services/auth/index.ts';
import { monitorChanged, monitorView } from '../services/supervision/index.ts';
import type { RealtimeHub } from './hub.ts';

/**
 * Issue 16: a supervisor's monitor socket on one live conversation, read-only: every change to it
 * (a message, a note, a phase) sends a fresh view. Several supervisors may monitor at once.
 */
export function registerMonitorSocketRoute(app: FastifyInstance, ctx: ServerContext, hub: RealtimeHub): void {
  hub.monitors.setLoader((supervisorId, conversationId) => monitorView(ctx, supervisorId, conversationId));
  const socketUsers = new WeakMap<object, NonNullable<Awaited<ReturnType<typeof sessionUser>>>>();
  app.get(
    '/api/supervisor/conversations/:id/monitor',
    {
      websocket: true,
      preValidation: async (request) => {
        if (ctx.node.draining) throw new ApiError('UNAVAILABLE', 'This node is stopping; reconnect');
        const user = await sessionUser(ctx.store, request, ctx.clock());
        if (!user) throw new ApiError('UNAUTHENTICATED', 'Sign in first');
        if (user.role !== 'supervisor' && user.role !== 'admin')
          throw new ApiError('NOT_SUPERVISOR', 'Only supervisors and administrators can monitor');
        socketUsers.set(request, user);
      },
    },
    (socket, request) => {
      const user = socketUsers.get(request);
      const { id } = request.params as { id?: unknown };
      if (!user || typeof id !== 'string' || id.length === 0 || id.length > 200) {
        socket.close(4001, 'unauthenticated');
        return;
      }
      const report = (open: boolean) => {
        monitorChanged(ctx, user, id, open).catch((err: unknown) =>
          ctx.logger.error({ err, conversationId: id }, 'monitor change failed'),
        );
      };
      hub.monitors.attach(socket, user.id, id, () => report(false));
      report(true);
    },
  );
}
