import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '@parlo/protocol';
import { openPostgresStore, type Store, type StoreTx } from '../store/index.ts';
import { Outgoing } from './outgoing.ts';

const PG_URL = process.env.PARLO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `parlo_outgoing_${randomBytes(6).toString('hex')}`;

let store: Store;

beforeAll(async () => {
  store = await openPostgresStore(PG_URL, { schema });
});

afterAll(async () => {
  await store?.close();
  const pool = new pg.Pool({ connectionString: PG_URL });
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
});

function event(n: number): AgentEvent {
  return { type: 'conversation.removed', conversationId: `k${n}` };
}

/** A promise and the function that settles it: one step of two transactions' interleaving. */
function step(): { done: () => void; reached: Promise<void> } {
  let done!: () => void;
  const reached = new Promise<void>((resolve) => (done = resolve));
  return { done, reached };
}

describe('pushes of concurrent transactions (PostgreSQL)', () => {
  it('two transactions that emit to the same two agents in opposite orders both commit, each agent seqs 1 and 2', async () => {
    // An ingest batch pushing a message to Bea, then one to Al; meanwhile a command pushing to Al,
    // then to Bea. Were an emit to take the agent's counter lock where it happens, each would hold
    // one and wait for the other's: a deadlock, which PostgreSQL ends after a second by aborting one.
    const firstEmitted = step();
    const secondEmitted = step();
    const run = (work: (tx: StoreTx, out: Outgoing) => Promise<void>) =>
      store.transaction(async (tx) => {
        const out = new Outgoing(tx, 1000);
        await work(tx, out);
        await out.flush();
        return out.pushes.map((p) => `${p.agentId}#${p.seq}`);
      });
    const [ingest, command] = await Promise.all([
      run(async (_tx, out) => {
        out.emit('bea', event(1));
        firstEmitted.done();
        await secondEmitted.reached;
        out.emit('al', event(2));
      }),
      run(async (_tx, out) => {
        await firstEmitted.reached;
        out.emit('al', event(3));
        secondEmitted.done();
        out.emit('bea', event(4));
      }),
    ]);
    expect([...ingest, ...command].sort()).toEqual(['al#1', 'al#2', 'bea#1', 'bea#2']);
    expect(ingest.map((p) => p.split('#')[0])).toEqual(['bea', 'al']);
    expect(command.map((p) => p.split('#')[0])).toEqual(['al', 'bea']);
  });
});
