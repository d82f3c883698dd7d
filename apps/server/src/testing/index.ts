/**
 * Test support: a real Parlo on a free port over a fresh SQLite file, helpers to drive it, and the
 * same with the WhatsApp simulator behind a recording Graph proxy.
 */
export * from './test-server.ts';
export * from './graph-env.ts';
export * from './postgres.ts';
export * from './cluster-nodes.ts';
export * from './routing-seed.ts';
export * from './watch-calls.ts';
