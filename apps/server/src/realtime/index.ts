/** The agents' sockets: the hub (seq, resume, gap fill, snapshots) and the `/api/ws` route. */
export { RealtimeHub } from './hub.ts';
export { MonitorHub, type MonitorLoader } from './monitors.ts';
export { registerSocketRoute } from './socket-route.ts';
export { registerMonitorSocketRoute } from './monitor-route.ts';
export { registerWallboardSocketRoute } from './wallboard-route.ts';
