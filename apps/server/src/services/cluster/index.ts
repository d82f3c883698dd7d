/** The nodes of one database knowing of each other (heartbeat rows), and refusing to run broken. */
export { NODE_TTL_MS, NodeHeartbeat } from './node-heartbeat.ts';
