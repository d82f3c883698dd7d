import { describe, expect, it } from 'vitest';
import { createTestParlo } from '../testing/index.ts';

// ADR 34: the app is built without Fastify's JSON-schema compilers (every route parses with zod),
// so a route that declared a Fastify schema would go unchecked; it must fail at start instead.
describe('routes declare no Fastify JSON schema', () => {
  it('a route with a body schema makes the app fail when it gets ready, naming zod', async () => {
    const test = await createTestParlo();
    const { parlo } = test;
    try {
      parlo.app.post('/api/declares-a-schema', { schema: { body: { type: 'object' } } }, () => ({}));
      await expect(parlo.app.ready()).rejects.toThrow(/declares a Fastify JSON schema.*zod/);
    } finally {
      await test.close().catch(() => undefined);
    }
  });
});
