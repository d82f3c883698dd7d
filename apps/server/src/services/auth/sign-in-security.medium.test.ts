import {
  errorBodySchema,
  signInLockRoutes,
  signInLocksResponseSchema,
  totpEnrollResponseSchema,
  totpRoutes,
  totpStatusResponseSchema,
} from '@parlo/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../seed/index.ts';
import { freshPostgres, startTestServer, type TestServer } from '../../testing/index.ts';
import { currentTotpCode, passwordDerivations } from './index.ts';

/**
 * Issue 17, sign-in and limits, over the real server on SQLite then PostgreSQL: a username locked
 * after a handful of failures (429 + Retry-After, audited) until an administrator unlocks it;
 * unknown usernames cost the same hash; the password policy's codes; the TOTP second factor; the
 * per-address sign-in limit and the per-session API limit of @fastify/rate-limit.
 */

// Each test starts its own server (seeding hashes five passwords) and signs in a dozen times,
// each sign-in one scrypt: on a loaded machine that passes the tier's 30 s.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(
  dialect: 'sqlite' | 'postgres',
  env: Record<string, string> = {},
  clock?: () => number,
): Promise<TestServer> {
  const database: Record<string, string> =
    dialect === 'postgres' ? { DATABASE_URL: await freshPostgres() } : {};
  server = await startTestServer({ ...database, ...env }, clock ? { clock } : {});
  return server;
}

/** A request as the desktop sends it (same origin), with an optional session cookie. */
function call(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; cookie?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { origin: url };
  if (init.cookie) headers.cookie = init.cookie;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

function login(url: string, username: string, password: string, totpCode?: string): Promise<Response> {
  return call(url, '/api/auth/login', {
    body: { username, password, ...(totpCode === undefined ? {} : { totpCode }) },
  });
}

async function cookieOf(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

async function codeOf(res: Response): Promise<string> {
  return errorBodySchema.parse(await res.json()).error.code;
}

describe.each(['sqlite', 'postgres'] as const)('[issue-17] sign-in protection on %s', (dialect) => {
  it('[issue-17] a handful of wrong passwords -> 429 with Retry-After, audited; an admin unlock lets the user in', async () => {
    const { url, parlo } = await start(dialect);
    for (let i = 1; i <= 5; i++) {
      const res = await login(url, 'marco', `wrong-password-${i}`);
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe('INVALID_CREDENTIALS');
    }
    // Locked: even the right password is refused, before it is checked.
    const locked = await login(url, 'Marco', DEMO_PASSWORD);
    expect(locked.status).toBe(429);
    expect(await codeOf(locked)).toBe('RATE_LIMITED');
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(50);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const admin = await cookieOf(await login(url, 'admin', DEMO_PASSWORD));
    const listed = signInLocksResponseSchema.parse(
      await (await call(url, signInLockRoutes.list, { cookie: admin })).json(),
    );
    const marco = listed.locks.find((lock) => lock.key === 'user:marco');
    expect(marco).toMatchObject({ kind: 'user', subject: 'marco', failures: 5 });
    expect(marco?.lockedUntil).not.toBeNull();
    // The address counted the same failures but has more to spend: not locked.
    expect(listed.locks.find((lock) => lock.kind === 'address')?.lockedUntil).toBeNull();

    const agent = await cookieOf(await login(url, 'anna', DEMO_PASSWORD));
    const forbidden = await call(url, signInLockRoutes.one('user:marco'), {
      method: 'DELETE',
      cookie: agent,
    });
    expect(forbidden.status).toBe(403);
    const unlocked = await call(url, signInLockRoutes.one('user:marco'), { method: 'DELETE', cookie: admin });
    expect(unlocked.status).toBe(200);
    expect((await login(url, 'marco', DEMO_PASSWORD)).status).toBe(200);
    const again = await call(url, signInLockRoutes.one('user:marco'), { method: 'DELETE', cookie: admin });
    expect(again.status).toBe(404);

    const audit = await parlo.store.transaction((tx) =>
      tx.queryAudit({ actionPrefix: 'signIn.', limit: 10 }),
    );
    expect(audit.map((entry) => [entry.action, entry.actorUserId, entry.subject])).toEqual([
      ['signIn.unlock', 'usr_admin', 'user:marco'],
      ['signIn.locked', 'system', 'user:marco'],
    ]);
  });

  it('[issue-17] each further failure locks longer; a right password after the lock ends forgets them', async () => {
    let now = Date.parse('2026-12-04T10:00:00Z');
    const { url } = await start(
      dialect,
      { SIGN_IN_USER_FREE_FAILURES: '2', SIGN_IN_LOCK_SECONDS: '10' },
      () => now,
    );
    const retryAfter = async (password: string) => {
      const res = await login(url, 'giulia', password);
      await res.arrayBuffer();
      return res.status === 429 ? Number(res.headers.get('retry-after')) : res.status;
    };
    expect(await retryAfter('wrong-one')).toBe(401);
    expect(await retryAfter('wrong-two')).toBe(401); // 2nd failure: locked 10 s
    expect(await retryAfter(DEMO_PASSWORD)).toBe(10);
    now += 10_000;
    expect(await retryAfter('wrong-three')).toBe(401); // 3rd: 20 s
    expect(await retryAfter(DEMO_PASSWORD)).toBe(20);
    now += 20_000;
    expect(await retryAfter('wrong-four')).toBe(401); // 4th: 40 s
    expect(await retryAfter('wrong-five')).toBe(40);
    now += 40_000;
    expect(await retryAfter(DEMO_PASSWORD)).toBe(200);
    expect(await retryAfter('wrong-again')).toBe(401); // counting starts again
    expect(await retryAfter(DEMO_PASSWORD)).toBe(200);
  });

  it('[issue-17] TOTP for an administrator: enroll, confirm with a real code, sign-in asks for it, disable', async () => {
    let now = Date.parse('2026-12-04T10:00:00Z');
    const { url, parlo } = await start(dialect, {}, () => now);
    const admin = await cookieOf(await login(url, 'admin', DEMO_PASSWORD));
    const agent = await cookieOf(await login(url, 'anna', DEMO_PASSWORD));
    expect((await call(url, totpRoutes.enroll, { method: 'POST', cookie: agent })).status).toBe(403);

    const enrolled = totpEnrollResponseSchema.parse(
      await (await call(url, totpRoutes.enroll, { method: 'POST', cookie: admin })).json(),
    );
    expect(enrolled.uri).toMatch(/^otpauth:\/\/totp\/Parlo:admin\?/);
    expect(enrolled.uri).toContain(`secret=${enrolled.secret}`);
    // Not on until confirmed: sign-in still needs no code.
    expect((await login(url, 'admin', DEMO_PASSWORD)).status).toBe(200);
    const wrong = await call(url, totpRoutes.confirm, { cookie: admin, body: { code: '000000' } });
    expect(await codeOf(wrong)).toBe('INVALID_TOTP_CODE');
    const confirmed = await call(url, totpRoutes.confirm, {
      cookie: admin,
      body: { code: currentTotpCode(enrolled.secret, now) },
    });
    expect(totpStatusResponseSchema.parse(await confirmed.json())).toEqual({ enabled: true });

    now += 30_000;
    const needsCode = await login(url, 'admin', DEMO_PASSWORD);
    expect(needsCode.status).toBe(401);
    expect(await codeOf(needsCode)).toBe('TOTP_REQUIRED');
    // A wrong password never reveals that a code would be asked.
    expect(await codeOf(await login(url, 'admin', 'not-the-password'))).toBe('INVALID_CREDENTIALS');
    const badCode = await login(url, 'admin', DEMO_PASSWORD, '123456');
    expect(badCode.status).toBe(400);
    expect(await codeOf(badCode)).toBe('INVALID_TOTP_CODE');
    const code = currentTotpCode(enrolled.secret, now);
    expect((await login(url, 'admin', DEMO_PASSWORD, code)).status).toBe(200);
    // A code is accepted once.
    expect(await codeOf(await login(url, 'admin', DEMO_PASSWORD, code))).toBe('INVALID_TOTP_CODE');

    now += 30_000;
    const off = await call(url, totpRoutes.disable, {
      cookie: admin,
      body: { code: currentTotpCode(enrolled.secret, now) },
    });
    expect(totpStatusResponseSchema.parse(await off.json())).toEqual({ enabled: false });
    expect((await login(url, 'admin', DEMO_PASSWORD)).status).toBe(200);

    const audit = await parlo.store.transaction((tx) =>
      tx.queryAudit({ actionPrefix: 'auth.totp', limit: 10 }),
    );
    expect(audit.map((entry) => entry.action)).toEqual(['auth.totpDisabled', 'auth.totpEnabled']);
    expect(JSON.stringify(audit)).not.toContain(enrolled.secret);
  });
});

describe('[issue-17] sign-in answers and costs', () => {
  it('[issue-17] an unknown username costs the same password hash as a wrong password, and gets the same answer', async () => {
    const { url } = await start('sqlite');
    const attempt = async (username: string) => {
      const before = passwordDerivations();
      const res = await login(url, username, 'not-the-password');
      return { status: res.status, body: await res.json(), hashes: passwordDerivations() - before };
    };
    await attempt('warm-up'); // the dummy hash is computed once, at start
    const known = await attempt('anna');
    const unknown = await attempt('nobody-at-all');
    expect(known).toEqual({ status: 401, body: unknown.body, hashes: 1 });
    expect(unknown.hashes).toBe(1);
  });

  it('[issue-17] a locked username answers alike whether it exists or not, and hashes nothing', async () => {
    const { url } = await start('sqlite', { SIGN_IN_USER_FREE_FAILURES: '1' });
    for (const username of ['anna', 'nobody-at-all']) {
      await (await login(url, username, 'not-the-password')).arrayBuffer();
      const before = passwordDerivations();
      const res = await login(url, username, DEMO_PASSWORD);
      expect([res.status, await codeOf(res), passwordDerivations() - before]).toEqual([
        429,
        'RATE_LIMITED',
        0,
      ]);
    }
  });

  it('[issue-17] the demo users each have their own salt', async () => {
    const { parlo } = await start('sqlite');
    const users = await parlo.store.transaction((tx) => tx.listUsers());
    const hashes = users.filter((u) => DEMO_USERS.some((d) => d.id === u.id)).map((u) => u.passwordHash);
    expect(hashes).toHaveLength(DEMO_USERS.length);
    expect(new Set(hashes.map((h) => h.split('$')[4])).size).toBe(DEMO_USERS.length);
  });

  it('[issue-17] password policy: too short and too common are refused with stable codes', async () => {
    const { url } = await start('sqlite');
    const admin = await cookieOf(await login(url, 'admin', DEMO_PASSWORD));
    const create = (username: string, password: string) =>
      call(url, '/api/admin/users', {
        cookie: admin,
        body: { username, displayName: 'Luca Neri', role: 'agent', password, queueIds: [], capacity: 1 },
      });
    const refusal = async (res: Response) => {
      const body = errorBodySchema.parse(await res.json());
      return [res.status, body.error.code, Object.keys(body.error.fields ?? {})];
    };
    expect(await refusal(await create('luca', 'eleven-char'))).toEqual([
      400,
      'VALIDATION_FAILED',
      ['password'],
    ]);
    for (const common of [
      'qwerty123456',
      'Password2024!',
      'dragondragon',
      '1111111111111',
      'luca-is-my-name',
    ]) {
      expect(await refusal(await create('luca', common))).toEqual([400, 'PASSWORD_TOO_COMMON', ['password']]);
    }
    const created = await create('luca', 'lantern-harbour-quiet');
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { user: { id: string } }).user.id;
    const reset = await call(url, `/api/admin/users/${id}/password`, {
      cookie: admin,
      body: { password: 'iloveyou12345' },
    });
    expect(await refusal(reset)).toEqual([400, 'PASSWORD_TOO_COMMON', ['password']]);
    expect((await login(url, 'luca', 'lantern-harbour-quiet')).status).toBe(200);
  });

  it('[issue-17] sign-in attempts per client address: past the limit 429 with Retry-After, right password or not', async () => {
    const { url } = await start('sqlite', { RATE_LIMIT_SIGN_IN_PER_MINUTE: '3' });
    expect((await login(url, 'anna', DEMO_PASSWORD)).status).toBe(200);
    expect((await login(url, 'marco', 'not-the-password')).status).toBe(401);
    expect((await login(url, 'giulia', DEMO_PASSWORD)).status).toBe(200);
    const limited = await login(url, 'sofia', DEMO_PASSWORD);
    expect(limited.status).toBe(429);
    expect(await codeOf(limited)).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('[issue-17] the API is limited per session: 429 with Retry-After past the limit, other sessions unaffected', async () => {
    const { url } = await start('sqlite', { RATE_LIMIT_API_PER_MINUTE: '5' });
    const anna = await cookieOf(await login(url, 'anna', DEMO_PASSWORD));
    const marco = await cookieOf(await login(url, 'marco', DEMO_PASSWORD));
    for (let i = 0; i < 5; i++) expect((await call(url, '/api/me', { cookie: anna })).status).toBe(200);
    const limited = await call(url, '/api/me', { cookie: anna });
    expect(limited.status).toBe(429);
    expect(await codeOf(limited)).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(url, '/api/me', { cookie: marco })).status).toBe(200);
    // Outside /api/: not counted.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe('[issue-17] cluster mode', () => {
  let second: TestServer | undefined;
  afterEach(async () => {
    await second?.close();
    second = undefined;
  });

  it('[issue-17] two nodes count one session against one limit, in Redis', async () => {
    const databaseUrl = await freshPostgres();
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `parlo-rl-test-${Date.now()}-${Math.random().toString(36).slice(2)}:`,
      RATE_LIMIT_API_PER_MINUTE: '5',
    };
    const a = (server = await startTestServer(env));
    second = await startTestServer(env);
    const anna = await cookieOf(await login(a.url, 'anna', DEMO_PASSWORD));
    for (let i = 0; i < 3; i++) expect((await call(a.url, '/api/me', { cookie: anna })).status).toBe(200);
    for (let i = 0; i < 2; i++)
      expect((await call(second.url, '/api/me', { cookie: anna })).status).toBe(200);
    const limited = await call(second.url, '/api/me', { cookie: anna });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).not.toBeNull();
  });
});
