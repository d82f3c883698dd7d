import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTotpCode, DEMO_PASSWORD } from '@parlo/server';
import type { Page } from 'playwright-core';
import { signInAdmin, startStack, type Stack } from './harness.ts';

/**
 * Issue 17 in the desktop: an administrator turns on two-step sign-in in the console, and the
 * login page asks for the code after the password; a username locked by wrong passwords is listed
 * and unlocked by the administrator.
 */
let stack: Stack;
let admin: Page;

beforeAll(async () => {
  stack = await startStack();
  admin = await stack.newPage();
  await signInAdmin(admin, stack.parloUrl, 'admin', 'Users');
});
afterAll(async () => {
  await stack?.stop();
});

describe('[issue-17] sign-in in the desktop', () => {
  it('[issue-17] an administrator turns on TOTP; the login page then asks for the code', async () => {
    await admin.getByRole('button', { name: 'Turn on two-step sign-in…' }).click();
    const secret = (await admin.locator('code').first().textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await admin.getByLabel('Code', { exact: true }).fill(currentTotpCode(secret, Date.now()));
    await admin.getByRole('button', { name: 'Turn on', exact: true }).click();
    await admin.getByText('On: after your password').waitFor();

    const page = await stack.newPage();
    await page.goto(stack.parloUrl);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const code = page.getByLabel('Code from your authenticator app');
    await code.waitFor();
    // The step after the one the confirmation used: a code is accepted once.
    await code.fill(currentTotpCode(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
  });

  it('[issue-17] a username locked by wrong passwords is listed, and the administrator unlocks it', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${stack.parloUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: new URL(stack.parloUrl).origin },
        body: JSON.stringify({ username: 'marco', password: `wrong-password-${i}` }),
      });
      expect(res.status).toBe(401);
    }
    const section = admin.getByRole('region', { name: 'Sign-in locks' });
    const locks = section.getByRole('table', { name: 'Sign-in locks' });
    await section.getByRole('button', { name: 'Refresh' }).click();
    await locks.getByRole('button', { name: 'Unlock marco' }).click();
    await locks.getByRole('button', { name: 'Unlock marco' }).waitFor({ state: 'detached' });
    const page = await stack.newPage();
    await page.goto(stack.parloUrl);
    await page.getByLabel('Username').fill('marco');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Agent state').waitFor();
  });
});
