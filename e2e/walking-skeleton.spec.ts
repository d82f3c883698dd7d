import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  customerWrites as writeOnPhone,
  endConversation,
  screenshotsDir,
  signIn,
  startStack,
  type Stack,
} from './harness.ts';

/**
 * The walking skeleton as a user walks it: a customer writes on the simulator's phone page, an
 * agent accepts on the desktop, they talk, the ticks arrive, the agent ends and wraps up.
 */
let stack: Stack;
let agent: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack();
  agent = await stack.newPage();
  phone = await stack.newPage();
});
afterAll(async () => {
  await stack?.stop();
});

async function customerWrites(text: string, customer = 'Sheena Nelson'): Promise<void> {
  await writeOnPhone(phone, stack.simUrl, customer, text);
  await phone.getByTestId('phone-message').filter({ hasText: text }).waitFor();
}

function seconds(timer: string): number {
  const parts = timer.trim().split(':').map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
}

describe('walking skeleton: one WhatsApp conversation from a phone to an agent and back', () => {
  it('[S-3] an agent signs in (Idle at login) and is offered nothing until Available', async () => {
    await signIn(agent, stack.parloUrl, 'anna');
    await expect.poll(() => agent.getByLabel('Agent state').inputValue()).not.toBe('available');
    await customerWrites('Hello, does it come in another color?');
    // Idle: no contact request appears while the conversation waits in the queue.
    await agent.waitForTimeout(4000);
    expect(await agent.getByRole('dialog', { name: 'Contact request' }).count()).toBe(0);
  });

  it('[S-1][S-2] Available -> a popover with customer, numbers, queue and a timer counted from arrival', async () => {
    await agent.getByLabel('Agent state').selectOption('available');
    const popover = agent.getByRole('dialog', { name: 'Contact request' });
    await popover.waitFor();
    await expect.poll(() => popover.textContent()).toContain('Sheena Nelson');
    const text = (await popover.textContent()) ?? '';
    // The demo turns masking on (S-10): numbers keep their last 4 digits (S-11, S-12).
    expect(text).toContain('********1234'); // customer phone
    expect(text).toContain('********3881'); // origin (business) number
    expect(text).not.toContain('6505551234');
    expect(text).toContain('Customer Support'); // queue
    // The conversation waited >= 3 s before the offer was made: the timer counts from arrival.
    const timer = popover.getByTestId('offer-timer');
    expect(seconds((await timer.textContent()) ?? '0')).toBeGreaterThanOrEqual(3);
    const before = seconds((await timer.textContent()) ?? '0');
    await agent.waitForTimeout(1200);
    expect(seconds((await timer.textContent()) ?? '0')).toBeGreaterThan(before);
  });

  it('[S-5][S-6] Accept opens the interaction pane: the customer bubble is grey with initials', async () => {
    await agent.getByRole('button', { name: 'Accept' }).click();
    await agent.getByLabel('Message').waitFor();
    const inbound = agent.locator('[data-testid="bubble"][data-direction="inbound"]').first();
    await expect.poll(() => inbound.textContent()).toContain('another color');
    expect(await inbound.getByTestId('initials').textContent()).toBe('SN');
    const background = await inbound.evaluate((el) => {
      const body = el.querySelector('[data-testid="bubble-body"]') ?? el;
      return body.ownerDocument.defaultView!.getComputedStyle(body).backgroundColor;
    });
    expect(isGrey(background), background).toBe(true);
  });

  it('[S-8] the composer stops at 4096 characters: the 4097th does not enter', async () => {
    const composer = agent.getByLabel('Message');
    await composer.fill('x'.repeat(4096));
    await composer.press('End');
    await composer.pressSequentially('y');
    expect((await composer.inputValue()).length).toBe(4096);
    expect(await composer.inputValue()).not.toContain('y');
    await composer.fill('');
  });

  it('[S-9] Shift+Enter makes a new line, Enter sends, and the Send button sends', async () => {
    const composer = agent.getByLabel('Message');
    await composer.click();
    await composer.pressSequentially('Yes, it also comes in blue.');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('And in green.');
    expect(await composer.inputValue()).toBe('Yes, it also comes in blue.\nAnd in green.');
    await composer.press('Enter');
    await expect.poll(() => composer.inputValue()).toBe('');
    await composer.fill('Anything else I can help with?');
    await agent.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => composer.inputValue()).toBe('');

    const outbound = agent.locator('[data-testid="bubble"][data-direction="outbound"]');
    await expect.poll(() => outbound.count()).toBe(2);
    const background = await outbound.first().evaluate((el) => {
      const body = el.querySelector('[data-testid="bubble-body"]') ?? el;
      return body.ownerDocument.defaultView!.getComputedStyle(body).backgroundColor;
    });
    expect(isBlue(background), background).toBe(true); // [S-6] agent bubbles are blue
  });

  it('the replies reach the customer through the Graph API, and sent/delivered/read come back as ticks', async () => {
    await phone.getByTestId('phone-message').filter({ hasText: 'And in green.' }).waitFor();
    await phone.getByTestId('phone-message').filter({ hasText: 'Anything else I can help with?' }).waitFor();
    const ticks = agent.locator('[data-testid="bubble"][data-direction="outbound"] [data-testid="ticks"]');
    await expect
      .poll(async () => ticks.evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))), {
        timeout: 15_000,
      })
      .toEqual(['read', 'read']);
    mkdirSync(screenshotsDir, { recursive: true });
    await agent.screenshot({ path: join(screenshotsDir, 'desktop-conversation.png') });
  });

  it('[S-24][S-25][S-26] End (once confirmed) opens the wrap-up reasons, the search filters them, Submit wrap-up closes', async () => {
    await endConversation(agent);
    const dialog = agent.getByRole('dialog', { name: 'Wrap-up reasons' });
    await dialog.waitFor();
    const submit = dialog.getByRole('button', { name: 'Submit wrap-up' });
    expect(await submit.isDisabled()).toBe(true);
    await dialog.getByLabel('Search reasons').fill('resol');
    await expect.poll(() => dialog.getByRole('radio').count()).toBe(1);
    await dialog.getByRole('radio', { name: 'Resolved' }).check();
    await mkdirScreenshot(agent, 'wrap-up.png');
    await submit.click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => agent.locator('[data-testid="bubble"]').count()).toBe(0);
  });

  it('a new message from the same customer later starts a new conversation', async () => {
    await customerWrites('One more question, please');
    const popover = agent.getByRole('dialog', { name: 'Contact request' });
    await popover.waitFor();
    await agent.getByRole('button', { name: 'Accept' }).click();
    const bubbles = agent.locator('[data-testid="bubble"][data-direction="inbound"]');
    await expect
      .poll(() => bubbles.allTextContents())
      .toEqual([expect.stringContaining('One more question')]);
  });
});

async function mkdirScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, name) });
}

function rgb(color: string): [number, number, number] {
  const [r = 0, g = 0, b = 0] = (color.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return [r, g, b];
}

function isGrey(color: string): boolean {
  const [r, g, b] = rgb(color);
  return Math.max(r, g, b) - Math.min(r, g, b) <= 24 && r > 150;
}

function isBlue(color: string): boolean {
  const [r, g, b] = rgb(color);
  return b > 150 && b > r + 40 && b > g;
}
