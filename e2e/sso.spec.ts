import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startStack, type Stack } from './harness.ts';

/**
 * Issue 17, single sign-on as staff live it: the login page offers the company's provider, the
 * provider's pages sign the person in, and they land on the desktop as the agent the claims say.
 * The provider runs on `localhost`, Parlo on `127.0.0.1`: two sites, as in production, so the
 * cookies' SameSite rules are those of a real cross-site round trip.
 */
let stack: Stack;
let providerServer: Server;

beforeAll(async () => {
  const parloPort = await freePort();
  const callback = `http://127.0.0.1:${parloPort}/api/auth/oidc/callback`;
  providerServer = createServer();
  await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
  const issuer = `http://localhost:${(providerServer.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'parlo',
        client_secret: 'parlo-e2e-secret-0123456789',
        redirect_uris: [callback],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], parlo: ['groups'] },
    scopes: ['openid', 'profile', 'parlo'],
    pkce: { required: () => true },
    cookies: { keys: ['oidc-e2e-cookie-key'] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, preferred_username: 'erika', name: 'Erika Conti', groups: ['agents', 'sales'] }),
    }),
  });
  const handle = provider.callback();
  providerServer.on('request', (req: IncomingMessage, res: ServerResponse) => void handle(req, res));
  stack = await startStack({
    parloPort,
    env: {
      OIDC_ISSUER_URL: issuer,
      OIDC_CLIENT_ID: 'parlo',
      OIDC_CLIENT_SECRET: 'parlo-e2e-secret-0123456789',
      OIDC_REDIRECT_URL: callback,
      OIDC_SCOPES: 'openid profile parlo',
      OIDC_LABEL: 'Company login',
      OIDC_ROLE_CLAIM: 'groups',
      OIDC_ROLE_MAP: 'agents=agent',
      OIDC_QUEUE_CLAIM: 'groups',
      OIDC_QUEUE_MAP: 'sales=Sales',
      OIDC_ALLOW_HTTP: 'true',
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  await new Promise<void>((resolve) => providerServer?.close(() => resolve()));
});

describe('single sign-on', () => {
  it('[issue-17] "Sign in with Company login" goes through the provider and lands on the agent desktop', async () => {
    const page = await stack.newPage();
    await page.goto(stack.parloUrl);
    await page.getByRole('link', { name: 'Sign in with Company login' }).click();
    // The provider's development login page, then its consent page.
    await page.locator('input[name="login"]').fill('sub-erika');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click();
    await page.getByLabel('Agent state').waitFor();
    expect(new URL(page.url()).origin).toBe(stack.parloUrl);
    expect(await page.getByText('Erika Conti').count()).toBeGreaterThan(0);
  });
});
