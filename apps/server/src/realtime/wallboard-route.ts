import { ApiError, wallboardRoutes } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { ServerContext } from '../platform/index.ts';
import { sessionUser } from '../services/auth/index.ts';
import type { WallboardService } from '../services/wallboard/index.ts';

/** The wallboard is read again at least this often while a socket is open (current handle times). */
const REFRESH_MS = 1_000;

/**
 * Issue 16: supervisors' wallboard sockets. Each gets the wallboard at once, then again each time
 * it changes — a committed event here or a notice from another node, at most every 250 ms — and at
 * least every second while it differs; a wallboard equal to the last one a socket got is not sent.
 * One read and one serialisation per change serve every socket of the node; reads never overlap.
 */
export function registerWallboardSocketRoute(
  app: FastifyInstance,
  ctx: ServerContext,
  wallboard: WallboardService,
): void {
  const authorized = new WeakSet<object>();
  /** Open sockets and the frame (without its instant) each was sent last. */
  const sockets = new Map<WebSocket, string>();
  let running = false;
  let again = false;
  let stopListening: (() => void) | undefined;
  let ticker: NodeJS.Timeout | undefined;

  const broadcast = (): void => {
    if (sockets.size === 0) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    wallboard
      .read()
      .then((board) => {
        // `at` always differs: compare what the supervisor sees.
        const seen = JSON.stringify({ ...board, at: '' });
        const frame = JSON.stringify({ type: 'wallboard', wallboard: board });
        for (const [socket, last] of sockets) {
          if (last === seen || socket.readyState !== socket.OPEN) continue;
          sockets.set(socket, seen);
          socket.send(frame);
        }
      })
      .catch((err: unknown) => ctx.logger.warn({ err }, 'wallboard read failed'))
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          broadcast();
        }
      });
  };

  app.get(
    wallboardRoutes.socket,
    {
      websocket: true,
      preValidation: async (request) => {
        if (ctx.node.draining) throw new ApiError('UNAVAILABLE', 'This node is stopping; reconnect');
        const user = await sessionUser(ctx.store, request, ctx.clock());
        if (!user) throw new ApiError('UNAUTHENTICATED', 'Sign in first');
        if (user.role !== 'supervisor' && user.role !== 'admin')
          throw new ApiError('NOT_SUPERVISOR', 'Only supervisors and administrators see the wallboard');
        authorized.add(request);
      },
    },
    (socket, request) => {
      if (!authorized.has(request)) {
        socket.close(4001, 'unauthenticated');
        return;
      }
      sockets.set(socket, '');
      if (!stopListening) {
        stopListening = wallboard.subscribe(broadcast);
        ticker = setInterval(broadcast, REFRESH_MS);
        ticker.unref();
      }
      socket.on('close', () => {
        sockets.delete(socket);
        if (sockets.size > 0) return;
        stopListening?.();
        stopListening = undefined;
        clearInterval(ticker);
      });
      broadcast();
    },
  );
}
