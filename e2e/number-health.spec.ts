import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { customerWrites, screenshotsDir, startStack, type Stack } from './harness.ts';

/**
 * Issue 4: a supervisor sees the WhatsApp channel's health per business number on the supervisor
 * page: the last customer message, the updates of the last 5 minutes, the outbox and send failures.
 */
let stack: Stack;
let sofia: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack();
  [sofia, phone] = [await stack.newPage(), await stack.newPage()];
  await sofia.goto(stack.parloUrl);
  await sofia.getByLabel('Username').fill('sofia');
  await sofia.getByLabel('Password').fill('parlo-demo-2026');
  await sofia.getByRole('button', { name: 'Sign in' }).click();
  await sofia.getByRole('heading', { name: 'Queues and agents' }).waitFor();
});
afterAll(async () => {
  await stack?.stop();
});

describe('per-number channel health on the supervisor page', () => {
  it('shows the demo number; a customer message moves its last inbound and updates; a forged delivery shows as rejected', async () => {
    const table = sofia.getByRole('table', { name: 'WhatsApp numbers: channel health' });
    await table.waitFor();
    const row = table.getByRole('row').nth(1);
    expect(await row.getByRole('cell').first().textContent()).toBe('Never');

    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', 'Is my order on its way?');
    // The panel refreshes every 5 s.
    await row.getByText(/ago$/).waitFor({ timeout: 15_000 });
    const cells = await row.getByRole('cell').allTextContents();
    // Last inbound, updates (5 min), rejected (5 min), sends waiting, oldest send, failures.
    expect(cells[1]).not.toBe('0');
    expect(cells.slice(2)).toEqual(['0', '0', 'None', 'None']);
    // A forged delivery is refused, and the panel says why.
    const forged = await fetch(`${stack.parloUrl}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' },
      body: '{}',
    });
    expect(forged.status).toBe(401);
    await sofia
      .getByTestId('channel-health-summary')
      .getByText(/bad signature \(1\)/)
      .waitFor({ timeout: 15_000 });
    await sofia.screenshot({ path: join(screenshotsDir, 'supervisor-number-health.png'), fullPage: true });
  });
});
