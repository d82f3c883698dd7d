import {
  customerEraseResponseSchema,
  customerExportSchema,
  privacyCustomersQuerySchema,
  privacyCustomersResponseSchema,
  privacyRoutes,
  retentionResponseSchema,
  updateRetentionRequestSchema,
} from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerDocumented, type RouteDoc } from '../../openapi/index.ts';
import { idOf, parseOr400, type ServerContext } from '../../platform/index.ts';
import { requireAdmin } from '../../services/auth/index.ts';
import { mediaFilesOf } from '../../services/media/index.ts';
import {
  eraseCustomer,
  exportCustomer,
  findCustomers,
  getRetention,
  updateRetention,
} from '../../services/privacy/index.ts';

const CUSTOMER = `${privacyRoutes.customers}/{id}`;

export const PRIVACY_DOCS = {
  getRetention: {
    method: 'GET',
    path: privacyRoutes.retention,
    summary: 'How long each class of data is kept (messages and media, webhook bodies, audit, agent events)',
    tag: 'Data protection',
    auth: 'admin',
    response: retentionResponseSchema,
  },
  updateRetention: {
    method: 'PUT',
    path: privacyRoutes.retention,
    summary: 'Change some retention periods (partial; null keeps for ever where allowed); audited',
    tag: 'Data protection',
    auth: 'admin',
    body: updateRetentionRequestSchema,
    response: retentionResponseSchema,
  },
  customers: {
    method: 'GET',
    path: privacyRoutes.customers,
    summary: 'Find a customer by wa_id or user id (needs customerData.export or .erase); audited',
    tag: 'Data protection',
    auth: 'admin',
    query: privacyCustomersQuerySchema,
    response: privacyCustomersResponseSchema,
  },
  exportCustomer: {
    method: 'GET',
    path: `${CUSTOMER}/export`,
    summary: "Export a customer's data, media inline (GDPR art. 15; needs customerData.export); audited",
    tag: 'Data protection',
    auth: 'admin',
    response: customerExportSchema,
  },
  eraseCustomer: {
    method: 'POST',
    path: `${CUSTOMER}/erase`,
    summary:
      'Erase a customer (GDPR art. 17; needs customerData.erase): messages, media, profile, variables; audited',
    tag: 'Data protection',
    auth: 'admin',
    response: customerEraseResponseSchema,
    errors: ['CUSTOMER_CONVERSATION_LIVE'],
  },
} as const satisfies Record<string, RouteDoc>;

/** Retention periods, and a customer's data found, exported and erased (issue 17). */
export function registerPrivacyRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const admin = (request: FastifyRequest) => requireAdmin(ctx.store, request, ctx.clock());
  const files = mediaFilesOf(ctx);

  registerDocumented(app, PRIVACY_DOCS.getRetention, async (request) => {
    await admin(request);
    return getRetention(ctx);
  });

  registerDocumented(app, PRIVACY_DOCS.updateRetention, async (request) => {
    const by = await admin(request);
    return updateRetention(ctx, by, parseOr400(updateRetentionRequestSchema, request.body));
  });

  registerDocumented(app, PRIVACY_DOCS.customers, async (request) => {
    const by = await admin(request);
    return findCustomers(ctx, by, parseOr400(privacyCustomersQuerySchema, request.query).identity);
  });

  registerDocumented(app, PRIVACY_DOCS.exportCustomer, async (request) => {
    const by = await admin(request);
    return exportCustomer(ctx, files, by, idOf(request));
  });

  registerDocumented(app, PRIVACY_DOCS.eraseCustomer, async (request) => {
    const by = await admin(request);
    return eraseCustomer(ctx, files, by, idOf(request));
  });
}
