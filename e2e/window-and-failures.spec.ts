import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  endConversation,
  chooseAgentState,
  customerWrites,
  screenshotsDir,
  signIn,
  startStack,
  submitWrapUp,
  type Stack,
} from './harness.ts';

/**
 * Issue 4 in Chromium: a send WhatsApp fails shows Meta's reason on its bubble; outside the 24-hour
 * window the composer is locked for free text and offers the number's approved templates, which
 * the agent fills in and sends, and the customer's phone shows.
 *
 * The simulator's clock is the lever: set back 25 hours while a customer writes, that message is a
 * day old for Parlo and for WhatsApp (the window is closed); set forward while an agent's text is
 * on its way, WhatsApp finds the window closed and fails the send (131047) as Meta does.
 */
const DAY_MS = 24 * 3600_000;
let skewMs = 0;
let stack: Stack;
let agent: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack({ simNow: () => Date.now() + skewMs });
  agent = await stack.newPage();
  phone = await stack.newPage();
  await signIn(agent, stack.parloUrl, 'anna');
  await chooseAgentState(agent, 'available');
});
afterAll(async () => {
  await stack?.stop();
});

async function writes(customer: string, text: string, clockMs = 0): Promise<void> {
  skewMs = clockMs;
  try {
    await customerWrites(phone, stack.simUrl, customer, text);
    await phone.getByTestId('phone-message').filter({ hasText: text }).waitFor();
  } finally {
    skewMs = 0;
  }
}

async function accept(customer: string): Promise<void> {
  const popover = agent.getByRole('dialog', { name: 'Contact request' });
  await popover.waitFor();
  await expect.poll(() => popover.textContent()).toContain(customer);
  await popover.getByRole('button', { name: 'Accept' }).click();
  await popover.waitFor({ state: 'detached' });
}

describe('[issue-4] failed sends and the 24-hour window, in the desktop', () => {
  it('[issue-4] opening marks the customer message read; a send WhatsApp fails shows its reason on the bubble', async () => {
    await writes('Sheena Nelson', 'Hi, is my order on its way?');
    await accept('Sheena Nelson');
    const composer = agent.getByLabel('Message');
    await composer.waitFor();
    // Mark as read on open (the default policy): the customer's phone shows blue ticks.
    await expect
      .poll(() =>
        phone
          .getByTestId('phone-message')
          .filter({ hasText: 'Hi, is my order on its way?' })
          .getAttribute('data-status'),
      )
      .toBe('read');
    // WhatsApp's clock is a day ahead: it accepts the text, then fails it with 131047.
    skewMs = DAY_MS + 3600_000;
    try {
      await composer.fill('It left the warehouse this morning.');
      await composer.press('Enter');
      const bubble = agent
        .locator('[data-testid="bubble"][data-direction="outbound"]')
        .filter({ hasText: 'It left the warehouse this morning.' });
      await bubble.getByText('Not delivered: Re-engagement message (131047)').waitFor({ timeout: 15_000 });
      expect(await bubble.getByTestId('ticks').getAttribute('data-status')).toBe('failed');
    } finally {
      skewMs = 0;
    }
    mkdirSync(screenshotsDir, { recursive: true });
    await agent.screenshot({ path: join(screenshotsDir, 'failed-send.png') });
    await endConversation(agent);
    await submitWrapUp(agent);
  });

  it('[issue-4] outside the window the composer offers templates; the agent fills one in and the phone shows it', async () => {
    // Ravi's message is 25 hours old when it reaches Parlo: the window is already closed.
    await writes('Ravi Kumar', 'Any news about my refund?', -(DAY_MS + 3600_000));
    await accept('Ravi Kumar');
    await agent.getByTestId('window-left').filter({ hasText: 'The 24-hour window has closed' }).waitFor();
    // Free text is locked: no message box, a template picker instead.
    expect(await agent.getByLabel('Message', { exact: true }).count()).toBe(0);
    const picker = agent.getByRole('region', { name: 'Send a template' });
    await picker.getByLabel('Template').selectOption({ label: 'order_update (en)' });
    await picker.getByLabel('Body 1').fill('Ravi');
    await picker.getByLabel('Body 2').fill('R-2231');
    // Sending with a parameter missing names it beside its field, and sends nothing.
    await picker.getByRole('button', { name: 'Send template' }).click();
    await picker.getByText('Fill in this parameter.').waitFor();
    expect(await picker.getByLabel('Body 3').getAttribute('aria-invalid')).toBe('true');
    await picker.getByLabel('Body 3').fill('refunded');
    const preview = picker.getByRole('region', { name: 'Preview' });
    await expect.poll(() => preview.textContent()).toBe('Hi Ravi, your order R-2231 is refunded.');
    await agent.screenshot({ path: join(screenshotsDir, 'template-picker.png') });
    await picker.getByRole('button', { name: 'Send template' }).click();

    const bubble = agent
      .locator('[data-testid="bubble"][data-direction="outbound"]')
      .filter({ hasText: 'Hi Ravi, your order R-2231 is refunded.' });
    await expect
      .poll(() => bubble.getByTestId('ticks').getAttribute('data-status'), { timeout: 15_000 })
      .toMatch(/^(delivered|read)$/);
    await phone.getByLabel('Customer').selectOption({ label: 'Ravi Kumar' });
    await phone
      .getByTestId('phone-message')
      .filter({ hasText: 'Hi Ravi, your order R-2231 is refunded.' })
      .waitFor({ timeout: 15_000 });
  });
});
