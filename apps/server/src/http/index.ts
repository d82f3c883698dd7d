/** The composition of the HTTP edge: one Fastify app serving every route, the sockets and the desktop. */
export { buildHttpApp, closeKeptAliveConnectionsOnClose, type HttpParts } from './app.ts';
