import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// CI asks for a JSON report per tier (`scripts/slowest-tests.mjs` lists the slowest files) and
// for the hanging-process reporter, which names anything a test left open if a tier does not exit.
const reportDir = process.env.PARLO_TEST_REPORT_DIR;
const tier = (process.env.npm_lifecycle_event ?? 'vitest').replace(/^test:/, '');

// Four tiers, named by cost (see ARCHITECTURE.md): unit (no I/O), medium (real SQLite,
// real PostgreSQL, real HTTP on a free port), e2e (real Chromium over the real server), cluster
// (several server processes on private PostgreSQL and Redis behind HAProxy, with faults).
export default defineConfig({
  test: {
    ...(reportDir
      ? {
          reporters: ['default', 'hanging-process', 'json'],
          outputFile: { json: join(reportDir, `${tier}.json`) },
        }
      : {}),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          exclude: ['**/*.medium.test.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'medium',
          include: ['packages/*/src/**/*.medium.test.ts', 'apps/*/src/**/*.medium.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.spec.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['cluster/**/*.cluster.test.ts'],
          environment: 'node',
          globalSetup: ['cluster/build-server.setup.ts'],
          // Each file starts its own PostgreSQL, Redis, nodes and HAProxy; two files at once would
          // fight for the two cores the timings are written for.
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
