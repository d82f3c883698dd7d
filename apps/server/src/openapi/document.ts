import { errorBodySchema, ERROR_STATUS } from '@parlo/protocol';
import { z } from 'zod';
import type { RouteDoc } from './registry.ts';

/** An OpenAPI 3.1 document, as plain JSON. */
export type OpenApiDocument = Record<string, unknown> & {
  readonly paths: Record<string, Record<string, unknown>>;
};

/** zod 4 writes JSON Schema 2020-12, which is what OpenAPI 3.1 speaks. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

const ERROR_RESPONSE = {
  description: 'An error from the catalog: switch on `error.code`',
  content: { 'application/json': { schema: jsonSchema(errorBodySchema, 'output') } },
};

const SECURITY: Record<RouteDoc['auth'], unknown[]> = {
  none: [],
  user: [{ session: [] }],
  admin: [{ session: [] }],
  webhook: [{ signature: [] }],
};

/** Query parameters from an object schema: one parameter per property. */
function queryParameters(schema: z.ZodType): unknown[] {
  const json = jsonSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

function operation(doc: RouteDoc): Record<string, unknown> {
  const pathParams = [...doc.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const errorCodes = new Set<string>(['VALIDATION_FAILED', ...(doc.errors ?? [])]);
  if (doc.auth !== 'none' && doc.auth !== 'webhook') errorCodes.add('UNAUTHENTICATED');
  if (doc.auth === 'admin') errorCodes.add('FORBIDDEN');
  if (pathParams.length > 0) errorCodes.add('NOT_FOUND');
  // Issue 17: the Origin check (CSRF) and JSON-only bodies, on every state-changing route but the webhook.
  if (doc.method !== 'GET' && doc.auth !== 'webhook') errorCodes.add('ORIGIN_REFUSED');
  if (doc.body) errorCodes.add('UNSUPPORTED_MEDIA_TYPE');
  const errorResponses: Record<string, unknown> = {};
  for (const code of errorCodes) {
    const status = ERROR_STATUS[code as keyof typeof ERROR_STATUS];
    const key = String(status);
    const previous = errorResponses[key] as { description: string } | undefined;
    errorResponses[key] = {
      ...ERROR_RESPONSE,
      description: previous ? `${previous.description}, ${code}` : `Error codes: ${code}`,
    };
  }
  return {
    summary: doc.summary,
    tags: [doc.tag],
    operationId: `${doc.method.toLowerCase()}${doc.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    security: SECURITY[doc.auth],
    ...(doc.auth === 'admin' ? { description: 'Administrators only.' } : {}),
    parameters: [...pathParams, ...(doc.query ? queryParameters(doc.query) : [])],
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(doc.body, 'input') } },
          },
        }
      : {}),
    responses: {
      [String(doc.status ?? 200)]: {
        description: 'Success',
        ...(doc.response
          ? { content: { 'application/json': { schema: jsonSchema(doc.response, 'output') } } }
          : {}),
      },
      ...errorResponses,
    },
  };
}

/** The OpenAPI 3.1 document of the given routes. */
export function buildOpenApiDocument(docs: readonly RouteDoc[], version: string): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const doc of docs) {
    paths[doc.path] ??= {};
    paths[doc.path]![doc.method.toLowerCase()] = operation(doc);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parlo API',
      version,
      description:
        "The REST API of Parlo: the agent desktop and the administration. Every non-2xx answer is an ErrorBody whose `error.code` comes from a closed catalog. Every request but GET (the webhook aside) must send an `Origin` header that is one of the server's public origins (`PUBLIC_ORIGIN`), else 403 ORIGIN_REFUSED; JSON bodies must be `application/json`.",
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'parlo_session' },
        signature: { type: 'apiKey', in: 'header', name: 'x-hub-signature-256' },
      },
    },
    paths,
  };
}
