import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createParlo, loadConfig } from '../index.ts';
import { createLogger } from '../platform/index.ts';

// ADR 34: the app is built without Fastify's JSON-schema compilers (every route parses with zod),
// so a route that declared a Fastify schema would go unchecked; it must fail at start instead.
describe('routes declare no Fastify JSON schema', () => {
  it('a route with a body schema makes the app fail when it gets ready, naming zod', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parlo-schema-'));
    const config = loadConfig({
      PORT: '0',
      DATABASE_URL: `sqlite:${join(dir, 'parlo.db')}`,
      PARLO_MEDIA_DIR: join(dir, 'media'),
      GRAPH_API_BASE_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'silent',
    });
    const parlo = await createParlo(config, { backgroundWork: false, logger: createLogger('silent') });
    try {
      parlo.app.post('/api/declares-a-schema', { schema: { body: { type: 'object' } } }, () => ({}));
      await expect(parlo.app.ready()).rejects.toThrow(/declares a Fastify JSON schema.*zod/);
    } finally {
      await parlo.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
