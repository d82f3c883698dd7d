import { describe, expect, it } from 'vitest';
import { fastifyPath, servedRoutes } from '../openapi/index.ts';
import { useTestServer } from '../testing/index.ts';

const server = useTestServer();

describe('OpenAPI', () => {
  it('every registered REST route (admin and desktop) is in /docs/openapi.json, and /docs is a page', async () => {
    const doc = (await (await fetch(`${server().url}/docs/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    // What Fastify actually serves under /api (but the WebSocket), as its onRoute hook saw it.
    const registered = servedRoutes(server().parlo.app)
      .filter((r) => r.url.startsWith('/api/') && r.url !== '/api/ws' && r.method !== 'HEAD')
      .map((r) => [r.method.toLowerCase(), r.url] as const);
    expect(registered.filter(([, url]) => url.startsWith('/api/admin/')).length).toBeGreaterThan(25);
    expect(registered.length).toBeGreaterThan(45);
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m} ${fastifyPath(path)}`),
      ),
    );
    const undocumented = registered
      .map(([method, path]) => `${method} ${path}`)
      .filter((r) => !documented.has(r));
    expect(undocumented).toEqual([]);
    expect(doc.paths['/api/admin/users']?.post).toMatchObject({
      requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
    });
    const page = await fetch(`${server().url}/docs`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('/api/admin/business-numbers/{id}');
  });
});
