import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Offer } from '@parlo/core';
import { PROTOCOL_VERSION, serverFrameSchema, type AgentEvent } from '@parlo/protocol';
import { signPayload } from '@parlo/whatsapp';
import { afterAll, beforeAll } from 'vitest';
import pg from 'pg';
import { releaseFreshPostgres, freshPostgres } from './postgres.ts';
import WebSocket from 'ws';
import { createParlo, loadConfig, type Parlo } from '../index.ts';
import { createLogger } from '../platform/index.ts';
import { DEMO_NUMBER, DEMO_PASSWORD } from '../seed/index.ts';

/** A real Parlo on a free port over a fresh SQLite file with the demo data; no background loops. */
export interface TestServer {
  readonly url: string;
  readonly parlo: Parlo;
  close(): Promise<void>;
}

/** A test Parlo built but not listening (routes may still be added), and how to dispose of it. */
export interface UnstartedTestParlo {
  readonly parlo: Parlo;
  close(): Promise<void>;
}

/**
 * The test server's Parlo before `listen`: a fresh SQLite file with the demo data, no background
 * loops. `clock`: the server's clock instead of the wall clock (a test that moves time, e.g. TOTP).
 */
export async function createTestParlo(
  env: Record<string, string> = {},
  options: { readonly clock?: () => number } = {},
): Promise<UnstartedTestParlo> {
  const dir = mkdtempSync(join(tmpdir(), 'parlo-test-'));
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: `sqlite:${join(dir, 'parlo.db')}`,
    PARLO_MEDIA_DIR: join(dir, 'media'),
    PARLO_DEMO: 'true',
    // The suite signs in many times from 127.0.0.1: limits on, but far off (issue 17's tests set their own).
    RATE_LIMIT_API_PER_MINUTE: '100000',
    RATE_LIMIT_SIGN_IN_PER_MINUTE: '100000',
    SIGN_IN_ADDRESS_FREE_FAILURES: '100000',
    // Nothing listens there: tests that need the Graph API use the simulator.
    GRAPH_API_BASE_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const parlo = await createParlo(config, {
    backgroundWork: false,
    logger: createLogger('silent'),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    parlo,
    async close() {
      await parlo.close();
      rmSync(dir, { recursive: true, force: true });
      await releaseFreshPostgres(config.DATABASE_URL);
    },
  };
}

/** `clock`: the server's clock instead of the wall clock (a test that moves time, e.g. TOTP steps). */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { readonly clock?: () => number } = {},
): Promise<TestServer> {
  const built = await createTestParlo(env, options);
  const url = await built.parlo.listen();
  return { url, parlo: built.parlo, close: () => built.close() };
}

/** Starts a test server before the file's tests and stops it after; read it through the getter. */
export function useTestServer(env: Record<string, string> = {}): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(env);
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('the test server has not started');
    return server;
  };
}

/**
 * A test server on a fresh PostgreSQL database, with a second session on that database of the
 * test's own (to hold or watch locks), both closed after the file's tests.
 */
export function usePostgresTestServer(env: Record<string, string> = {}): {
  server: () => TestServer;
  session: () => pg.Client;
} {
  let server: TestServer | undefined;
  let session: pg.Client | undefined;
  beforeAll(async () => {
    const databaseUrl = await freshPostgres();
    server = await startTestServer({ ...env, DATABASE_URL: databaseUrl });
    session = new pg.Client({ connectionString: databaseUrl });
    await session.connect();
  });
  afterAll(async () => {
    await session?.end().catch(() => undefined);
    await server?.close();
  });
  return {
    server: () => {
      if (!server) throw new Error('the test server has not started');
      return server;
    },
    session: () => {
      if (!session) throw new Error('the test session has not started');
      return session;
    },
  };
}

/** A Meta-shaped text message webhook for the demo number. */
export function inboundTextPayload(opts: {
  wamid: string;
  from?: string;
  name?: string;
  text?: string;
  timestamp?: number;
}) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: DEMO_NUMBER.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: DEMO_NUMBER.displayPhoneNumber,
                phone_number_id: DEMO_NUMBER.phoneNumberId,
              },
              contacts: [
                { profile: { name: opts.name ?? 'Sheena Nelson' }, wa_id: opts.from ?? '16505551234' },
              ],
              messages: [
                {
                  from: opts.from ?? '16505551234',
                  id: opts.wamid,
                  timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: opts.text ?? 'Does it come in another color?' },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** One delivery (its JSON) holding these text messages, each in its own change, as Meta may batch them. */
export function inboundBatchPayload(messages: readonly Parameters<typeof inboundTextPayload>[0][]): string {
  const payloads = messages.map((m) => inboundTextPayload(m));
  const [first] = payloads;
  if (!first) throw new Error('a delivery has at least one message');
  const [entry] = first.entry;
  if (!entry) throw new Error('a payload has an entry');
  entry.changes = payloads.flatMap((p) => p.entry[0]?.changes ?? []);
  return JSON.stringify(first);
}

/** POSTs a webhook as Meta does: signed over the raw bytes with the demo app secret. */
export async function postWebhook(
  url: string,
  body: string,
  signature: string | null = signPayload(body, DEMO_NUMBER.appSecret),
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  return fetch(`${url}/webhooks/whatsapp`, { method: 'POST', headers, body });
}

/**
 * The headers a page of Parlo's own origin sends: a state-changing request or a socket upgrade
 * without them is refused (ORIGIN_REFUSED, issue 17). `url` is the server's, as `listen` gave it.
 */
export function sameOrigin(url: string): { origin: string } {
  return { origin: new URL(url).origin };
}

/** Signs in as a demo user; returns the session cookie (`name=value`). */
export async function sessionCookie(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** Signs in and returns a fetch bound to the session cookie. */
export async function signedIn(url: string, username: string) {
  const cookie = await sessionCookie(url, username);
  return (path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        cookie,
        origin: url,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
}

/** A desktop's socket that keeps every event it receives. */
export async function openDesktop(
  url: string,
  username: string,
): Promise<WebSocket & { events: AgentEvent[] }> {
  const cookie = await sessionCookie(url, username);
  const socket = new WebSocket(`${url.replace('http', 'ws')}/api/ws`, { headers: { cookie }, origin: url });
  const events: AgentEvent[] = [];
  socket.on('message', (data: Buffer) => {
    const frame = serverFrameSchema.safeParse(JSON.parse(data.toString('utf8')));
    if (frame.success && frame.data.type === 'event') events.push(frame.data.event);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, lastSeq: null }));
  await new Promise((resolve) => setTimeout(resolve, 150));
  return Object.assign(socket, { events });
}

/** Polls until `probe` finds something (pushes arrive after the commit), for at most 2 s. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T | undefined> {
  for (let i = 0; i < 40; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

/** The agent's pending offer, read from the routing rows; undefined if none. */
export async function pendingOfferOf(server: TestServer, agentId: string): Promise<Offer | undefined> {
  const state = await server.parlo.store.transaction((tx) => tx.routing.read());
  return Object.values(state.offers).find((o) => o.agentId === agentId && o.status.kind === 'pending');
}
