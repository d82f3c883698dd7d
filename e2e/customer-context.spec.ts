import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  acceptContactRequest,
  chooseAgentState,
  customerWrites,
  eventually,
  offerPopover,
  screenshotsDir,
  signIn,
  startStack,
  type Stack,
} from './harness.ts';

/**
 * Issue 14 as an agent meets it: a customer who hides their number (a WhatsApp username, a
 * business-scoped user id) writes from the simulator's phone page; the agent sees who they are,
 * the order they send as a card of items, the ad they came from, a forwarded label, and their
 * reply reaches that customer's phone.
 */
let stack: Stack;
let agent: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack();
  agent = await stack.newPage();
  phone = await stack.newPage();
  await signIn(agent, stack.parloUrl, 'anna');
});
afterAll(async () => {
  await stack?.stop();
});

async function customerSends(kind: string, text = ''): Promise<void> {
  await phone.getByLabel('Send as').selectOption(kind);
  await phone.getByLabel('Message', { exact: true }).fill(text);
  await phone.getByRole('button', { name: 'Send', exact: true }).click();
}

describe('[issue-14] a customer without a phone number, and what their messages say', () => {
  it('the agent sees the username where the number would be, and a reply reaches their phone', async () => {
    await chooseAgentState(agent, 'available');
    await customerWrites(phone, stack.simUrl, 'María López', 'Hola, vi su anuncio');
    // Before accepting, the offer says how long free text is possible (WhatsApp's 24-hour window).
    await expect
      .poll(() => offerPopover(agent).getByTestId('offer-window').textContent(), eventually)
      .toMatch(/^23:59:\d\d left$/);
    await acceptContactRequest(agent);
    await expect
      .poll(() => agent.locator('.interaction-phone').textContent(), eventually)
      .toBe('@maria.lopez');
    await agent.getByLabel('Message', { exact: true }).fill('¡Hola María! ¿Cómo te ayudo?');
    await agent.getByLabel('Message', { exact: true }).press('Enter');
    await phone.getByTestId('phone-message').filter({ hasText: '¡Hola María! ¿Cómo te ayudo?' }).waitFor();
  });

  it('an order is a card of its items and total; an ad reply and a forwarded text are labelled', async () => {
    await customerSends('order', 'Can you ship by Friday?');
    const order = agent.getByTestId('content-order');
    await order.waitFor();
    expect(await order.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await order.getByTestId('order-total').first().textContent()).toMatch(/^Total /);
    expect(await order.textContent()).toContain('Can you ship by Friday?');

    await customerSends('ad', 'Is this still on offer?');
    await agent.getByTestId('content-referral').waitFor();
    await customerSends('forwarded', 'Look at this');
    await agent.getByTestId('content-forwarded').first().waitFor();
    expect(await agent.getByTestId('content-forwarded').first().textContent()).toMatch(/Forwarded/);

    mkdirSync(screenshotsDir, { recursive: true });
    await agent.screenshot({ path: join(screenshotsDir, 'customer-context.png') });
  });
});
