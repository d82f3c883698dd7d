import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError } from '@parlo/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiErrorOf } from '../platform/index.ts';

/**
 * Errors Fastify answers before any route or hook runs (issue 17), in the catalog's format like
 * every other answer: a path parameter over `maxParamLength` (414 URI_TOO_LONG), a path that is not
 * valid URL encoding (400). Our own words, not Fastify's: its message repeats the path.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const apiError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new ApiError('URI_TOO_LONG', 'A part of the path is too long')
      : error.code === 'FST_ERR_BAD_URL'
        ? new ApiError('VALIDATION_FAILED', 'The path is not a valid URL')
        : (apiErrorOf(error) ?? new ApiError('INTERNAL', 'Internal error'));
  void reply.status(apiError.status).send(apiError.toBody());
}

/**
 * A request Node's HTTP parser refused (malformed, headers too large, too slow): answered on the
 * raw socket, in the catalog's format, and the connection closed. A reset connection gets nothing.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const apiError =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new ApiError('REQUEST_TIMEOUT', 'The request did not arrive in time')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new ApiError('HEADERS_TOO_LARGE', 'The request headers are too large')
        : new ApiError('VALIDATION_FAILED', 'The request is not valid HTTP');
  const body = JSON.stringify(apiError.toBody());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status] ?? ''}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * A refused socket upgrade (403 from another origin, 401 without a session, 503 while draining)
 * is answered on the raw socket @fastify/websocket handed over, which Node no longer tracks as an
 * HTTP connection: nothing would ever close it, and a graceful close would wait for it forever.
 */
export function closeRefusedUpgrades(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const upgrade = (request.headers.upgrade ?? '').toLowerCase() === 'websocket';
    if (upgrade && reply.statusCode >= 400) request.raw.socket.destroy();
  });
}
