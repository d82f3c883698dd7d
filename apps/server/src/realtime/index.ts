/** The agents' sockets: the hub (seq, resume, gap fill, snapshots) and the `/api/ws` route. */
export { RealtimeHub } from './hub.ts';
export { registerSocketRoute } from './socket-route.ts';
