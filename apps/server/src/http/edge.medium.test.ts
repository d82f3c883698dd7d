import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '@parlo/protocol';
import { sameOrigin, sessionCookie, startTestServer, useTestServer } from '../testing/index.ts';

// A desktop build of two files is enough to see what the server adds to a page and an asset.
const dist = mkdtempSync(join(tmpdir(), 'parlo-dist-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(
  join(dist, 'index.html'),
  '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body></body></html>',
);
writeFileSync(join(dist, 'assets', 'app.js'), 'console.log("parlo");');
afterAll(() => rmSync(dist, { recursive: true, force: true }));

const server = useTestServer({ DESKTOP_DIST: dist });

/** The CSP of an answer as directive -> sources. */
function csp(res: Response): Map<string, string[]> {
  const header = res.headers.get('content-security-policy') ?? '';
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name ?? '', sources]),
  );
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  return errorBodySchema.parse(await res.json()).error;
}

describe('[issue-17] security headers on every page', () => {
  it('[issue-17] the desktop page, its assets, a deep link and API answers: strict CSP, no framing, nosniff, no referrer, no HSTS on HTTP', async () => {
    const { url } = server();
    const cookie = await sessionCookie(url, 'anna');
    const answers = {
      index: await fetch(`${url}/`),
      asset: await fetch(`${url}/assets/app.js`),
      deepLink: await fetch(`${url}/admin/users`),
      api: await fetch(`${url}/api/me`, { headers: { cookie } }),
      apiError: await fetch(`${url}/api/me`),
      health: await fetch(`${url}/healthz`),
      // Answers Fastify itself gives: an unknown route, a body that does not parse.
      notFound: await fetch(`${url}/api/nothing-here`),
      badJson: await fetch(`${url}/api/agent/state`, {
        method: 'POST',
        headers: { cookie, ...sameOrigin(url), 'content-type': 'application/json' },
        body: '{"kind": ',
      }),
    };
    expect(answers.notFound.status).toBe(404);
    expect(answers.badJson.status).toBe(400);
    expect(answers.index.headers.get('content-type')).toMatch(/text\/html/);
    expect(answers.deepLink.headers.get('content-type')).toMatch(/text\/html/);
    expect(answers.api.status).toBe(200);
    expect(answers.apiError.status).toBe(401);
    for (const [name, res] of Object.entries(answers)) {
      const policy = csp(res);
      expect(policy.get('default-src'), name).toEqual(["'self'"]);
      // No inline script or style, nothing from elsewhere.
      expect(policy.get('script-src'), name).toEqual(["'self'"]);
      expect(policy.get('style-src'), name).toEqual(["'self'"]);
      expect(policy.get('frame-ancestors'), name).toEqual(["'none'"]);
      expect(policy.get('object-src'), name).toEqual(["'none'"]);
      expect(policy.has('upgrade-insecure-requests'), name).toBe(false);
      expect(res.headers.get('x-frame-options'), name).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), name).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security'), name).toBeNull();
    }
  });

  it('[issue-17] /docs has its own CSP: its one inline style sheet by hash, no script at all', async () => {
    const res = await fetch(`${server().url}/docs`);
    const page = await res.text();
    const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? '');
    expect(styles).toHaveLength(1);
    expect(page).not.toMatch(/<script|\sstyle=|\son\w+=/i);
    const policy = csp(res);
    const hash = createHash('sha256')
      .update(styles[0] ?? '')
      .digest('base64');
    expect(policy.get('style-src')).toEqual([`'sha256-${hash}'`]);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // The machine-readable document keeps the strict default.
    const json = await fetch(`${server().url}/docs/openapi.json`);
    expect(csp(json).get('default-src')).toEqual(["'self'"]);
  });

  it('[issue-17] HSTS (and upgrade-insecure-requests) only on HTTPS deployments (COOKIE_SECURE)', async () => {
    const secure = await startTestServer({ COOKIE_SECURE: 'true' });
    try {
      const res = await fetch(`${secure.url}/healthz`);
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=31536000; includeSubDomains/);
      expect(csp(res).has('upgrade-insecure-requests')).toBe(true);
    } finally {
      await secure.close();
    }
  });
});

describe('[issue-17] Fastify-level errors answer in the catalog’s format', () => {
  it('[issue-17] a 300-character path id -> 414 URI_TOO_LONG (not Fastify’s body, and the path is not echoed)', async () => {
    const { url } = server();
    const cookie = await sessionCookie(url, 'anna');
    const id = 'x'.repeat(300);
    const res = await fetch(`${url}/api/conversations/${id}/messages`, { headers: { cookie } });
    expect(res.status).toBe(414);
    const error = await errorOf(res);
    expect(error.code).toBe('URI_TOO_LONG');
    expect(error.message).not.toContain(id);
  });

  it('[issue-17] bad JSON, an empty JSON body, a body too large, an unsupported type, a bad URL, no such route, huge headers', async () => {
    const { url } = server();
    const cookie = await sessionCookie(url, 'marco');
    const post = (body: string | undefined, type = 'application/json', path = '/api/agent/state') =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { cookie, ...sameOrigin(url), 'content-type': type },
        ...(body === undefined ? {} : { body }),
      });
    const cases: [string, Response, number, string][] = [
      ['bad JSON', await post('{"kind": '), 400, 'VALIDATION_FAILED'],
      ['empty JSON', await post(''), 400, 'VALIDATION_FAILED'],
      [
        'too large',
        await post(JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) })),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      ['unsupported type', await post('<kind/>', 'application/xml'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [
        'bad URL encoding',
        await fetch(`${url}/api/conversations/%E0%A4%A/messages`),
        400,
        'VALIDATION_FAILED',
      ],
      ['no such API route', await fetch(`${url}/api/nothing-here`), 404, 'NOT_FOUND'],
      ['no such route, POST', await post('{}', 'application/json', '/api/nothing-here'), 404, 'NOT_FOUND'],
      [
        'headers too large',
        await fetch(`${url}/api/me`, { headers: { 'x-pad': 'x'.repeat(20 * 1024) } }),
        431,
        'HEADERS_TOO_LARGE',
      ],
    ];
    for (const [name, res, status, code] of cases) {
      expect(res.status, name).toBe(status);
      expect(res.headers.get('content-type'), name).toMatch(/application\/json/);
      expect((await errorOf(res)).code, name).toBe(code);
    }
  });
});
