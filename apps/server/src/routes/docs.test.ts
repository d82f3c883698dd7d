import { describe, expect, it } from 'vitest';
import { renderDocsPage } from '../openapi/index.ts';
import { ADMIN_ROUTE_DOCS } from './admin/index.ts';
import { parloOpenApiDocument } from './docs.ts';

describe('the OpenAPI document', () => {
  const doc = parloOpenApiDocument();

  it('is OpenAPI 3.1 and describes every admin route with its schemas', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const route of ADMIN_ROUTE_DOCS) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()] as Record<string, unknown> | undefined;
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      if (route.body) {
        const body = (op as { requestBody: { content: Record<string, { schema: object }> } }).requestBody;
        // An object, or a union of objects (the reveal request).
        const keys = Object.keys(body.content['application/json']?.schema ?? {});
        expect(
          keys.some((k) => k === 'type' || k === 'anyOf' || k === 'oneOf'),
          route.path,
        ).toBe(true);
      }
      if (route.response) {
        expect(op).toHaveProperty([
          'responses',
          String(route.status ?? 200),
          'content',
          'application/json',
          'schema',
        ]);
      }
      // Admin routes say who may call them and what a refusal looks like.
      if (route.auth === 'admin') expect(op).toHaveProperty(['responses', '403']);
    }
  });

  it('lists query parameters and path parameters', () => {
    const audit = doc.paths['/api/admin/audit']?.get as { parameters: { name: string; in: string }[] };
    expect(audit.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['action', 'actor', 'subject', 'from', 'to', 'limit', 'cursor']) as unknown,
    );
    const user = doc.paths['/api/admin/users/{id}']?.patch as { parameters: { name: string; in: string }[] };
    expect(user.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path' }) as unknown);
  });

  it('the human page is self-contained HTML (no script, no CDN) and escapes what it shows', () => {
    const page = renderDocsPage(doc);
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/<script|https?:\/\/(?!json-schema)/);
    expect(page).toContain('/api/admin/wrap-up-reasons/{id}');
  });
});
