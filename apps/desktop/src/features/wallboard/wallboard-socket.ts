import { wallboardRoutes, wallboardSchema, type Wallboard } from '@parlo/protocol';
import { z } from 'zod';

const frameSchema = z.object({ type: z.literal('wallboard'), wallboard: wallboardSchema });

/**
 * Issue 16: the wallboard socket; `onWallboard` gets the wallboard at once and after each change.
 * Reconnects after a drop (1 s, then doubling to 10 s) while wanted. Returns how to close it.
 */
export function openWallboardSocket(
  onWallboard: (board: Wallboard) => void,
  onConnection: (connected: boolean) => void,
): () => void {
  let closed = false;
  let socket: WebSocket | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let delay = 1000;
  const connect = () => {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${window.location.host}${wallboardRoutes.socket}`);
    socket.onopen = () => {
      delay = 1000;
      onConnection(true);
    };
    socket.onmessage = (event: MessageEvent<string>) => {
      const parsed = frameSchema.safeParse(JSON.parse(event.data));
      if (parsed.success) onWallboard(parsed.data.wallboard);
    };
    socket.onclose = () => {
      onConnection(false);
      if (closed) return;
      retry = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  connect();
  return () => {
    closed = true;
    if (retry !== undefined) clearTimeout(retry);
    socket?.close();
  };
}
