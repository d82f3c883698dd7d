import type { FastifyInstance } from 'fastify';
import {
  buildOpenApiDocument,
  DOCS_CSP_DIRECTIVES,
  DOCS_PATH,
  OPENAPI_PATH,
  PUBLIC_ROUTE_DOCS,
  renderDocsPage,
  type OpenApiDocument,
} from '../openapi/index.ts';
import { ADMIN_ROUTE_DOCS } from './admin/index.ts';
import { CANNED_ROUTE_DOCS } from './canned.ts';
import { CSAT_ROUTE_DOCS } from './csat.ts';
import { LABEL_ROUTE_DOCS } from './labels.ts';
import { WALLBOARD_ROUTE_DOCS } from './wallboard.ts';
import { HISTORY_ROUTE_DOCS } from './history.ts';
import { REPORT_ROUTE_DOCS } from './reports.ts';
import { SEARCH_ROUTE_DOCS } from './search.ts';
import { MONITOR_SOCKET_DOC, SUPERVISION_ROUTE_DOCS } from './supervision.ts';

/** The whole REST API: the agent desktop's routes and the administration API. */
export function parloOpenApiDocument(): OpenApiDocument {
  return buildOpenApiDocument(
    [
      ...PUBLIC_ROUTE_DOCS,
      ...ADMIN_ROUTE_DOCS,
      ...HISTORY_ROUTE_DOCS,
      ...SEARCH_ROUTE_DOCS,
      ...CANNED_ROUTE_DOCS,
      ...CSAT_ROUTE_DOCS,
      ...LABEL_ROUTE_DOCS,
      ...WALLBOARD_ROUTE_DOCS,
      ...REPORT_ROUTE_DOCS,
      ...SUPERVISION_ROUTE_DOCS,
      MONITOR_SOCKET_DOC,
    ],
    '1',
  );
}

/**
 * Serves the document at /docs/openapi.json and its human page at /docs, both built on the first
 * request for either: building them from the schemas is about 100 ms that no start should wait for.
 */
export function registerDocsRoutes(app: FastifyInstance): void {
  let built: { readonly doc: OpenApiDocument; readonly page: string } | undefined;
  const docs = () => {
    if (built === undefined) {
      const doc = parloOpenApiDocument();
      built = { doc, page: renderDocsPage(doc) };
    }
    return built;
  };
  app.get(OPENAPI_PATH, () => Promise.resolve(docs().doc));
  app.get(DOCS_PATH, { config: { contentSecurityPolicy: DOCS_CSP_DIRECTIVES } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(docs().page),
  );
}
