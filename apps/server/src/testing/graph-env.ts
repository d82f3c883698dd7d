import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messagesResponseSchema, type MessageView } from '@parlo/protocol';
import { createSimulator, type Simulator } from '@parlo/whatsapp-sim';
import { afterAll, beforeAll, expect } from 'vitest';
import { MASKING_SETTING_KEY } from '../platform/index.ts';
import { DEMO_NUMBER } from '../seed/index.ts';
import { sameOrigin, sessionCookie, startTestServer, type TestServer } from './test-server.ts';

/**
 * The real server and Graph client against the simulator, through a proxy that records every
 * Graph call and can answer a send with one of Meta's errors instead of forwarding it (issue 4:
 * templates and the 24-hour window, failures and retries, read receipts, send pacing).
 */

export const CUSTOMER = '16505551234';
export const DAY_MS = 24 * 3600_000;

export interface GraphCall {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  /** What the caller got: the simulator's status, or the injected one. */
  status: number;
  /** Meta's error code of the answer, if any. */
  code: number | undefined;
}

/** An answer the proxy gives to the next send instead of forwarding it. */
export interface Fault {
  status: number;
  /** Absent: a bare HTTP error with no Graph body (a proxy's 502). */
  code?: number;
  message: string;
  /** Answer this late (past the client's timeout: the send times out). */
  delayMs?: number;
}

export interface GraphEnv {
  server: TestServer;
  sim: Simulator;
  proxy: Server;
  calls: GraphCall[];
  faults: Fault[];
  /** Template listings fail (Graph down) while set. */
  templatesDown: boolean;
  /** Added to the simulator's clock. */
  skewMs: number;
  marco: (path: string, init?: { method?: string; body?: unknown }) => Promise<Response>;
  admin: (path: string, init?: { method?: string; body?: unknown }) => Promise<Response>;
  conversationId: string;
}

function metaError(fault: Fault): string {
  if (fault.code === undefined) return fault.message;
  return JSON.stringify({
    error: {
      message: fault.message,
      type: 'OAuthException',
      code: fault.code,
      error_data: { messaging_product: 'whatsapp', details: `${fault.message} (details)` },
      fbtrace_id: 'AbC',
    },
  });
}

export async function startGraphEnv(
  databaseUrl: string | undefined,
  env: Record<string, string> = {},
  simRate = 80,
): Promise<GraphEnv> {
  const e = { calls: [] as GraphCall[], faults: [] as Fault[], skewMs: 0, templatesDown: false } as GraphEnv;
  e.sim = createSimulator({
    webhookUrl: 'http://127.0.0.1:9/unset',
    numbers: [
      {
        phoneNumberId: DEMO_NUMBER.phoneNumberId,
        displayPhoneNumber: DEMO_NUMBER.displayPhoneNumber,
        wabaId: DEMO_NUMBER.wabaId,
        accessToken: DEMO_NUMBER.accessToken,
        appSecret: DEMO_NUMBER.appSecret,
      },
    ],
    now: () => Date.now() + e.skewMs,
    statusDelaysMs: { sent: 5, delivered: 10, read: 100_000 },
    rateLimitPerSecond: simRate,
  });
  const simUrl = await e.sim.start(0, '127.0.0.1');
  e.proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const raw = Buffer.concat(chunks);
      let body: Record<string, unknown> | undefined;
      try {
        body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : undefined;
      } catch {
        body = undefined;
      }
      const call: GraphCall = {
        method: req.method ?? 'GET',
        path: url.split('?')[0] ?? url,
        body,
        status: 0,
        code: undefined,
      };
      e.calls.push(call);
      const fault =
        req.method === 'POST' && url.endsWith('/messages') && body?.type !== undefined
          ? e.faults.shift()
          : undefined;
      if (e.templatesDown && url.includes('/message_templates')) {
        call.status = 503;
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('down');
        return;
      }
      if (fault) {
        call.status = fault.status;
        call.code = fault.code;
        setTimeout(() => {
          res.writeHead(fault.status, {
            'content-type': fault.code === undefined ? 'text/plain' : 'application/json',
          });
          res.end(metaError(fault));
        }, fault.delayMs ?? 0);
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      fetch(`${simUrl}${url}`, {
        method: req.method ?? 'GET',
        headers,
        ...(raw.length > 0 ? { body: raw } : {}),
      })
        .then(async (answer) => {
          const text = await answer.text();
          call.status = answer.status;
          if (!answer.ok) {
            try {
              call.code = (JSON.parse(text) as { error?: { code?: number } }).error?.code;
            } catch {
              call.code = undefined;
            }
          }
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          });
          res.end(text);
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((done) => e.proxy.listen(0, '127.0.0.1', done));
  e.server = await startTestServer({
    GRAPH_API_BASE_URL: `http://127.0.0.1:${(e.proxy.address() as AddressInfo).port}`,
    OUTBOX_POLL_MS: '20',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  e.sim.setWebhookUrl(`${e.server.url}/webhooks/whatsapp`);
  const bound = async (username: string) => {
    const cookie = await sessionCookie(e.server.url, username);
    return (path: string, init: { method?: string; body?: unknown } = {}) =>
      fetch(`${e.server.url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          cookie,
          ...sameOrigin(e.server.url),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
  };
  e.marco = await bound('marco');
  e.admin = await bound('admin');
  await e.server.parlo.store.transaction((tx) => tx.setSetting(MASKING_SETTING_KEY, 'false'));
  return e;
}

/** The customer writes (at the simulator's clock, which may be set back) and Marco accepts. */
export async function openConversation(e: GraphEnv, customerClockMs = 0): Promise<void> {
  expect((await e.marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
    200,
  );
  e.skewMs = customerClockMs;
  e.sim.sendFromCustomer(CUSTOMER, { text: 'Hello, are you there?' });
  e.skewMs = 0;
  await e.sim.idle();
  const offer = await e.server.parlo.store.transaction(async (tx) =>
    Object.values((await tx.routing.read()).offers).find(
      (o) => o.agentId === 'usr_marco' && o.status.kind === 'pending',
    ),
  );
  if (!offer) throw new Error('no offer for marco');
  expect((await e.marco(`/api/offers/${offer.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
  e.conversationId = offer.conversationId;
}

/**
 * Starts a GraphEnv before the tests of the file (or of the describe block it is called in) and
 * stops it after them; `prepare` runs once it started (`openConversation`, settings). Read it
 * through the getter.
 */
export function useGraphEnv(
  prepare?: (e: GraphEnv) => Promise<void>,
  options: {
    readonly databaseUrl?: () => Promise<string | undefined>;
    readonly env?: Record<string, string>;
  } = {},
): () => GraphEnv {
  let started: GraphEnv | undefined;
  beforeAll(async () => {
    started = await startGraphEnv(await options.databaseUrl?.(), options.env);
    await prepare?.(started);
  }, 60_000);
  afterAll(() => stopGraphEnv(started));
  return () => {
    if (!started) throw new Error('the Graph environment has not started');
    return started;
  };
}

export async function stopGraphEnv(e: GraphEnv | undefined): Promise<void> {
  if (!e) return;
  await e.server.close();
  await e.sim.stop();
  await new Promise((done) => e.proxy.close(done));
}

export async function messagesOf(e: GraphEnv): Promise<MessageView[]> {
  const res = await e.marco(`/api/conversations/${e.conversationId}/messages`);
  expect(res.status).toBe(200);
  return messagesResponseSchema.parse(await res.json()).messages;
}

export async function until<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The sends Graph was asked for (messages with a type), in order. */
export const sends = (e: GraphEnv) =>
  e.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages') && c.body?.type !== undefined);
/** The read receipts Graph was asked for, in order. */
export const reads = (e: GraphEnv) =>
  e.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages') && c.body?.status === 'read');
