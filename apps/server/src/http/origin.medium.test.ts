import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { errorBodySchema } from '@parlo/protocol';
import { servedRoutes } from '../openapi/index.ts';
import {
  inboundTextPayload,
  postWebhook,
  sameOrigin,
  sessionCookie,
  startTestServer,
  useTestServer,
} from '../testing/index.ts';
import { ORIGIN_EXEMPT_ROUTES } from './origin-guard.ts';

const server = useTestServer();
const EVIL = 'http://evil.example';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

async function errorCode(res: Response): Promise<string> {
  return errorBodySchema.parse(await res.json()).error.code;
}

/** `/api/offers/:id/accept` -> `/api/offers/x/accept`: a concrete path the route answers. */
const concrete = (url: string): string => url.replace(/:\w+/g, 'x').replace(/\*/g, 'x');

/** Opens a socket to /api/ws; resolves with the HTTP status of a refused upgrade, or 101. */
function upgrade(url: string, headers: Record<string, string>, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/api/ws`, {
      headers,
      ...(origin === undefined ? {} : { origin }),
    });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

describe('[issue-17] state-changing requests and socket upgrades come from Parlo’s own origin', () => {
  it('[issue-17] every state-changing route of the route table refuses another origin, no origin and a same-site page: 403 ORIGIN_REFUSED', async () => {
    const { url, parlo } = server();
    const cookie = await sessionCookie(url, 'admin');
    const guarded = servedRoutes(parlo.app).filter(
      (r) => !SAFE.has(r.method) && !ORIGIN_EXEMPT_ROUTES.has(r.url),
    );
    // The table is the real one: the admin API, the agent's commands, sign-in and sign-out.
    expect(guarded.length).toBeGreaterThan(40);
    expect(guarded.map((r) => r.url)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/auth/logout', '/api/conversations/:id/attachments']),
    );
    const attempts: Record<string, string>[] = [
      { origin: EVIL },
      { origin: 'null' },
      // A page on another port of the same host: same site, so SameSite cookies go along.
      { origin: url.replace(/:(\d+)$/, (_m, port: string) => `:${Number(port) + 1}`) },
      { 'sec-fetch-site': 'same-site' },
      {},
    ];
    for (const route of guarded) {
      for (const attempt of attempts) {
        const res = await fetch(`${url}${concrete(route.url)}`, {
          method: route.method,
          headers: { cookie, 'content-type': 'application/json', ...attempt },
          body: '{}',
        });
        const label = `${route.method} ${route.url} ${JSON.stringify(attempt)}`;
        expect(res.status, label).toBe(403);
        expect(await errorCode(res), label).toBe('ORIGIN_REFUSED');
      }
    }
    // Still signed in: the refused logout above did nothing.
    expect((await fetch(`${url}/api/me`, { headers: { cookie } })).status).toBe(200);
  });

  it('[issue-17] the same request from Parlo’s origin (or a browser saying same-origin) goes through', async () => {
    const { url } = server();
    const cookie = await sessionCookie(url, 'marco');
    const post = (headers: Record<string, string>) =>
      fetch(`${url}/api/agent/state`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ kind: 'available' }),
      });
    expect((await post(sameOrigin(url))).status).toBe(200);
    expect((await post({ origin: url.replace('127.0.0.1', 'localhost') })).status).toBe(200);
    expect((await post({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    // Origin wins over Sec-Fetch-Site: a forged pair is still refused.
    expect((await post({ origin: EVIL, 'sec-fetch-site': 'same-origin' })).status).toBe(403);
  });

  it('[issue-17] the signed webhook is exempt by design, and is the only exemption', async () => {
    expect([...ORIGIN_EXEMPT_ROUTES]).toEqual(['/webhooks/whatsapp']);
    const body = JSON.stringify(inboundTextPayload({ wamid: 'wamid.origin-exempt' }));
    expect((await postWebhook(server().url, body)).status).toBe(200);
  });

  it('[issue-17] the socket upgrade is refused from another origin or none, accepted from Parlo’s', async () => {
    const { url } = server();
    const cookie = await sessionCookie(url, 'anna');
    expect(await upgrade(url, { cookie }, EVIL)).toBe(403);
    expect(await upgrade(url, { cookie })).toBe(403);
    expect(await upgrade(url, { cookie }, sameOrigin(url).origin)).toBe(101);
  });

  it('[issue-17] JSON routes refuse text/plain and form bodies: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const { url } = server();
    const cookie = await sessionCookie(url, 'marco');
    for (const [type, body] of [
      ['text/plain', '{"kind":"available"}'],
      ['text/plain;charset=UTF-8', undefined],
      ['application/x-www-form-urlencoded', 'kind=available'],
      ['multipart/form-data; boundary=x', '--x--'],
    ] as const) {
      const res = await fetch(`${url}/api/agent/state`, {
        method: 'POST',
        headers: { cookie, ...sameOrigin(url), 'content-type': type },
        ...(body === undefined ? {} : { body }),
      });
      expect(res.status, type).toBe(415);
      expect(await errorCode(res), type).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('[issue-17] PUBLIC_ORIGIN replaces the listening address (a balancer, a TLS proxy)', async () => {
    const other = await startTestServer({
      PUBLIC_ORIGIN: 'https://parlo.example.com, http://lb.example:8080',
    });
    try {
      const login = (origin: string) =>
        fetch(`${other.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin },
          body: JSON.stringify({ username: 'nobody', password: 'not-the-password' }),
        });
      expect((await login(other.url)).status).toBe(403);
      expect((await login('https://parlo.example.com')).status).toBe(401);
      expect((await login('http://lb.example:8080')).status).toBe(401);
      expect((await login('http://parlo.example.com')).status).toBe(403);
    } finally {
      await other.close();
    }
  });
});
