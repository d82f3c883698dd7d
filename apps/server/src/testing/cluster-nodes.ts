import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createParlo, loadConfig, type Parlo } from '../index.ts';
import { createLogger } from '../platform/index.ts';
import { releaseFreshPostgres, freshPostgres } from './postgres.ts';

const REDIS_URL = process.env.PARLO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A node of a test cluster: a real Parlo on a free port. */
export interface ClusterNode {
  readonly parlo: Parlo;
  readonly url: string;
}

/**
 * Two Parlo nodes in this process on one fresh PostgreSQL database and the machine's Redis (keys
 * and channel of their own), started before the file's tests and stopped, with their database and
 * keys, after: the first seeds the demo data, the second joins. `startNode` adds one more (without
 * the bus when `bus` is false); those are stopped by the caller.
 */
export function useTwoNodes(name: string): {
  node: (i: number) => ClusterNode;
  startNode: (nodeId: string, bus?: boolean) => Promise<ClusterNode>;
} {
  const prefix = `parlo-t-${randomBytes(4).toString('hex')}:`;
  const dir = mkdtempSync(join(tmpdir(), `parlo-${name}-`));
  let databaseUrl = '';
  const nodes: ClusterNode[] = [];

  async function startNode(nodeId: string, bus = true): Promise<ClusterNode> {
    const config = loadConfig({
      PORT: '0',
      DATABASE_URL: databaseUrl,
      ...(bus ? { REDIS_URL } : {}),
      REDIS_KEY_PREFIX: prefix,
      NODE_ID: nodeId,
      PARLO_MEDIA_DIR: join(dir, 'media'),
      PARLO_DEMO: 'true',
      GRAPH_API_BASE_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'silent',
    });
    const parlo = await createParlo(config, { backgroundWork: false, logger: createLogger('silent') });
    return { parlo, url: await parlo.listen() };
  }

  beforeAll(async () => {
    databaseUrl = await freshPostgres();
    nodes.push(await startNode('n1'));
    nodes.push(await startNode('n2'));
  });

  afterAll(async () => {
    for (const node of nodes.reverse()) await node.parlo.close();
    await releaseFreshPostgres(databaseUrl);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  return {
    node(i) {
      const found = nodes[i];
      if (!found) throw new Error(`node ${i} has not started`);
      return found;
    },
    startNode,
  };
}
