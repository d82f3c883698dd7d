import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, sessionCookie, startTestServer, type TestServer } from '../../testing/index.ts';

/**
 * Issue 17, single sign-on end to end: a real OpenID Connect provider (`oidc-provider`, its
 * development login and consent pages) on a free port, a real Parlo configured for it, and the
 * browser's part played by fetch: redirects followed by hand, cookies kept in a jar, forms submitted.
 */

/** The people the provider knows; a test may change their claims between sign-ins. */
const accounts = new Map<string, Record<string, unknown>>();

interface RunningProvider {
  readonly issuer: string;
  close(): Promise<void>;
}

/** A listening HTTP server whose handler is set later: Parlo and the provider each need the other's URL. */
async function listening(): Promise<{
  server: Server;
  url: string;
  handle: (h: Server['listeners']) => void;
}> {
  let handler:
    ((req: Parameters<Parameters<typeof createServer>[1] & object>[0], res: never) => void) | undefined;
  const server = createServer((req, res) => {
    if (handler) handler(req, res as never);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    handle: (h) => {
      handler = h as never;
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startProvider(redirectUri: string): Promise<RunningProvider> {
  const { server, url, handle } = await listening();
  const provider = new Provider(url, {
    clients: [
      {
        client_id: 'parlo',
        client_secret: 'parlo-test-secret-0123456789',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], parlo: ['groups'] },
    scopes: ['openid', 'profile', 'parlo'],
    pkce: { required: () => true },
    cookies: { keys: ['oidc-test-cookie-key'] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    findAccount: (_ctx, sub) => {
      const claims = accounts.get(sub);
      return claims ? { accountId: sub, claims: () => ({ sub, ...claims }) } : undefined;
    },
  });
  handle(provider.callback() as never);
  return {
    issuer: url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Cookies by name, as a browser keeps them for 127.0.0.1 (ports share cookies; paths are ignored). */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || /expires=thu, 01 jan 1970/i.test(a),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  async fetch(url: string, init: { method?: string; body?: string } = {}): Promise<Response> {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        cookie: this.header(),
        ...(init.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    this.keep(res);
    return res;
  }
}

const decode = (s: string): string =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#x2F;/g, '/');

/**
 * Plays the browser from `url` until the provider redirects back to Parlo's callback, whose URL it
 * returns unvisited: follows redirects, signs in on the login page as `login`, confirms consent.
 */
async function throughProvider(
  jar: CookieJar,
  url: string,
  login: string,
  callback: string,
): Promise<string> {
  let next = url;
  let init: { method?: string; body?: string } = {};
  for (let step = 0; step < 20; step++) {
    if (next.startsWith(callback)) return next;
    const res = await jar.fetch(next, init);
    init = {};
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      next = new URL(location, next).href;
      continue;
    }
    const html = await res.text();
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
    if (res.status !== 200 || !form)
      throw new Error(`unexpected page ${res.status} at ${next}: ${html.slice(0, 300)}`);
    const fields = new URLSearchParams();
    for (const input of (form[2] ?? '').matchAll(/<input([^>]*)>/gi)) {
      const name = /name="([^"]*)"/.exec(input[1] ?? '')?.[1];
      const value = /value="([^"]*)"/.exec(input[1] ?? '')?.[1] ?? '';
      if (name === 'login') fields.set(name, login);
      else if (name === 'password') fields.set(name, 'any password');
      else if (name) fields.set(name, decode(value));
    }
    next = new URL(decode(form[1] ?? ''), next).href;
    init = { method: 'POST', body: fields.toString() };
  }
  throw new Error('the provider never redirected back');
}

describe.each(['sqlite', 'postgres'] as const)('[issue-17] OpenID Connect sign-in on %s', (dialect) => {
  let provider: RunningProvider;
  let parlo: TestServer;
  let callback: string;

  beforeAll(async () => {
    const port = await freePort();
    callback = `http://127.0.0.1:${port}/api/auth/oidc/callback`;
    provider = await startProvider(callback);
    parlo = await startTestServer({
      PORT: String(port),
      ...(dialect === 'postgres' ? { DATABASE_URL: await freshPostgres() } : {}),
      OIDC_ISSUER_URL: provider.issuer,
      OIDC_CLIENT_ID: 'parlo',
      OIDC_CLIENT_SECRET: 'parlo-test-secret-0123456789',
      OIDC_REDIRECT_URL: callback,
      OIDC_SCOPES: 'openid profile parlo',
      OIDC_LABEL: 'Company login',
      OIDC_ROLE_CLAIM: 'groups',
      OIDC_ROLE_MAP: 'parlo-agents=agent,parlo-leads=supervisor,parlo-admins=admin',
      OIDC_QUEUE_CLAIM: 'groups',
      OIDC_QUEUE_MAP: 'team-sales=Sales,team-care=q_support,team-gone=No such queue',
      OIDC_ALLOW_HTTP: 'true',
    });
  });
  afterAll(async () => {
    await parlo.close();
    await provider.close();
  });

  /** Starts a sign-in at Parlo and goes through the provider; the callback URL, not yet visited. */
  async function toCallback(jar: CookieJar, login: string): Promise<string> {
    const start = await jar.fetch(`${parlo.url}/api/auth/oidc/start`);
    expect(start.status).toBe(302);
    expect(jar.get('parlo_oidc')).toBeDefined();
    const location = start.headers.get('location') ?? '';
    const authorize = new URL(location);
    expect(authorize.origin).toBe(provider.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    return throughProvider(jar, location, login, callback);
  }

  async function me(jar: CookieJar): Promise<Response> {
    return fetch(`${parlo.url}/api/me`, { headers: { cookie: jar.header() } });
  }

  it('the desktop learns that single sign-on is offered, and under which label', async () => {
    const res = await fetch(`${parlo.url}/api/auth/sso`);
    expect(await res.json()).toEqual({ oidc: { label: 'Company login' } });
  });

  it('a first sign-in creates the user with the mapped role and queues; the session works on the API', async () => {
    accounts.set('sub-alice', {
      preferred_username: `alice.${dialect}`,
      name: 'Alice Rossi',
      groups: ['parlo-agents', 'team-sales', 'team-care', 'team-gone', 'unrelated'],
    });
    const jar = new CookieJar();
    const done = await jar.fetch(await toCallback(jar, 'sub-alice'));
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/');
    expect(jar.get('parlo_session')).toBeDefined();
    expect(jar.get('parlo_oidc')).toBeUndefined();

    const res = await me(jar);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      user: { username: string; displayName: string; role: string };
      agent: unknown;
    };
    expect(body.user).toMatchObject({
      username: `alice.${dialect}`,
      displayName: 'Alice Rossi',
      role: 'agent',
    });
    expect(body.agent).not.toBeNull();
    const catalog = await fetch(`${parlo.url}/api/catalog`, { headers: { cookie: jar.header() } });
    expect(catalog.status).toBe(200);

    const admin = await sessionCookie(parlo.url, 'admin');
    const users = (await (
      await fetch(`${parlo.url}/api/admin/users`, { headers: { cookie: admin } })
    ).json()) as {
      users: { username: string; role: string; queueIds: string[] }[];
    };
    const alice = users.users.find((u) => u.username === `alice.${dialect}`);
    expect(alice).toMatchObject({ role: 'agent', queueIds: ['q_sales', 'q_support'] });

    // An SSO user has no password: the local sign-in refuses any.
    const local = await fetch(`${parlo.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: parlo.url },
      body: JSON.stringify({ username: `alice.${dialect}`, password: 'sso-only' }),
    });
    expect(local.status).toBe(401);
  });

  it('a later sign-in follows the provider: new role, queues and name; the same user', async () => {
    accounts.set('sub-bruno', {
      preferred_username: `bruno.${dialect}`,
      name: 'Bruno',
      groups: ['parlo-agents', 'team-care'],
    });
    const first = new CookieJar();
    await first.fetch(await toCallback(first, 'sub-bruno'));
    const before = (await (await me(first)).json()) as { user: { id: string; role: string } };
    expect(before.user.role).toBe('agent');

    accounts.set('sub-bruno', {
      preferred_username: `bruno.${dialect}`,
      name: 'Bruno Bianchi',
      groups: ['parlo-agents', 'parlo-leads'],
    });
    const second = new CookieJar();
    await second.fetch(await toCallback(second, 'sub-bruno'));
    const after = (await (await me(second)).json()) as {
      user: { id: string; role: string; displayName: string };
      agent: unknown;
    };
    expect(after.user).toMatchObject({
      id: before.user.id,
      role: 'supervisor',
      displayName: 'Bruno Bianchi',
    });
    expect(after.agent).toBeNull();
  });

  it('a wrong state is refused with SSO_STATE_MISMATCH, and no session is opened', async () => {
    accounts.set('sub-carla', { preferred_username: `carla.${dialect}`, groups: ['parlo-agents'] });
    const jar = new CookieJar();
    const url = new URL(await toCallback(jar, 'sub-carla'));
    url.searchParams.set('state', 'forged-state');
    const res = await jar.fetch(url.href);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'SSO_STATE_MISMATCH' } });
    expect(jar.get('parlo_session')).toBeUndefined();

    // A callback in a browser that never started the flow (login CSRF) is refused the same way.
    const other = new CookieJar();
    const fresh = new CookieJar();
    const stolen = await toCallback(fresh, 'sub-carla');
    const csrf = await other.fetch(stolen);
    expect(csrf.status).toBe(400);
    expect(await csrf.json()).toMatchObject({ error: { code: 'SSO_STATE_MISMATCH' } });
  });

  it('a wrong nonce is refused with SSO_REJECTED, and no session is opened', async () => {
    const jar = new CookieJar();
    const callbackUrl = await toCallback(jar, 'sub-carla');
    const flow = JSON.parse(Buffer.from(jar.get('parlo_oidc') ?? '', 'base64url').toString('utf8')) as Record<
      string,
      string
    >;
    jar.set(
      'parlo_oidc',
      Buffer.from(JSON.stringify({ ...flow, nonce: 'another-nonce' })).toString('base64url'),
    );
    const res = await jar.fetch(callbackUrl);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'SSO_REJECTED' } });
    expect(jar.get('parlo_session')).toBeUndefined();
    expect((await me(jar)).status).toBe(401);
  });

  it('claims that map to no role are refused with SSO_NOT_ALLOWED, and no user is created', async () => {
    accounts.set('sub-dario', { preferred_username: `dario.${dialect}`, groups: ['team-sales'] });
    const jar = new CookieJar();
    const res = await jar.fetch(await toCallback(jar, 'sub-dario'));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'SSO_NOT_ALLOWED' } });
    const admin = await sessionCookie(parlo.url, 'admin');
    const users = (await (
      await fetch(`${parlo.url}/api/admin/users`, { headers: { cookie: admin } })
    ).json()) as {
      users: { username: string }[];
    };
    expect(users.users.map((u) => u.username)).not.toContain(`dario.${dialect}`);
  });
});

describe('[issue-17] OpenID Connect when not configured', () => {
  let parlo: TestServer;
  beforeAll(async () => {
    parlo = await startTestServer();
  });
  afterAll(async () => {
    await parlo.close();
  });

  it('offers no button and answers SSO_NOT_CONFIGURED', async () => {
    expect(await (await fetch(`${parlo.url}/api/auth/sso`)).json()).toEqual({ oidc: null });
    const res = await fetch(`${parlo.url}/api/auth/oidc/start`, { redirect: 'manual' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'SSO_NOT_CONFIGURED' } });
  });
});
