import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  endConversation,
  acceptContactRequest,
  apiAs,
  chooseAgentState,
  customerWrites,
  eventually,
  offerPopover,
  screenshotsDir,
  signIn,
  startStack,
  submitWrapUp,
  type Stack,
} from './harness.ts';

/**
 * Issue 15 as an agent meets it: a returning customer's second conversation shows the first above
 * it; the interaction pane's panels show the customer's past conversations (each opening a
 * read-only transcript) and the CAD variables a CRM set by API, the system ones masked once
 * masking is on; the agent's recent conversations list the first one.
 */
const SHEENA = 'Sheena Nelson';
const FIRST = 'Hello, this is my first visit';
const SECOND = 'Back again about my order';

let stack: Stack;
let agent: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack();
  agent = await stack.newPage();
  phone = await stack.newPage();
  const off = await apiAs(stack, 'admin', 'PUT', '/api/admin/settings', { maskSensitiveData: false });
  expect(off.status).toBe(200);
});

afterAll(async () => {
  await stack?.stop();
});

const openConversationId = () => agent.locator('main.interaction-pane').getAttribute('data-conversation-id');

describe('[issue-15] customer history, a returning customer, CAD variables', () => {
  it("[issue-15] a customer's second conversation shows the first above the new message, clearly separated", async () => {
    await signIn(agent, stack.parloUrl, 'anna');
    await chooseAgentState(agent, 'available');
    await customerWrites(phone, stack.simUrl, SHEENA, FIRST);
    await offerPopover(agent).waitFor(eventually);
    await acceptContactRequest(agent);
    // A first-time customer has no earlier conversation.
    await agent.locator('[data-testid="bubble"]').first().waitFor(eventually);
    expect(await agent.getByTestId('earlier-transcript').count()).toBe(0);
    await endConversation(agent);
    await submitWrapUp(agent);

    await customerWrites(phone, stack.simUrl, SHEENA, SECOND);
    await offerPopover(agent).waitFor(eventually);
    await acceptContactRequest(agent);
    const earlier = agent.getByTestId('earlier-transcript');
    await earlier.waitFor(eventually);
    await expect
      .poll(() => earlier.getByTestId('transcript-lines').textContent(), eventually)
      .toContain(FIRST);
    expect(await earlier.getByRole('separator').textContent()).toBe('New conversation');
    // The new conversation's own messages are the new message only.
    await expect
      .poll(() => agent.locator('[data-testid="bubble"] .bubble-text').allTextContents(), eventually)
      .toEqual([SECOND]);
    mkdirSync(screenshotsDir, { recursive: true });
    await agent.screenshot({ path: join(screenshotsDir, 'returning-customer.png') });
  });

  it('[issue-15] the history panel lists the past conversation and opens its read-only transcript; the recent list has it, and stays unfolded once unfolded', async () => {
    const panel = agent.getByTestId('history-panel');
    await panel.locator('summary').click();
    const entry = panel.getByTestId('history-entry');
    await entry.waitFor(eventually);
    const meta = (await entry.locator('.history-meta').textContent()) ?? '';
    expect(meta).toContain('Anna Rossi');
    expect(meta).toContain('Resolved');
    expect(await entry.locator('.history-line').first().textContent()).toBe(FIRST);
    await entry.getByRole('button', { name: 'Open' }).click();
    const dialog = agent.getByTestId('transcript-dialog');
    await expect
      .poll(() => dialog.getByTestId('transcript-lines').textContent(), eventually)
      .toContain(FIRST);
    expect(await dialog.getByRole('textbox').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });

    const recent = agent.getByTestId('recent-conversations');
    await recent.locator('summary').click();
    const brick = recent.getByTestId('recent-item');
    await brick.first().waitFor(eventually);
    const text = (await brick.first().textContent()) ?? '';
    expect(text).toContain(SHEENA);
    expect(text).toContain('+16505551234');
    expect(text).toContain('+15550783881');

    // Unfolded once, it stays unfolded: a second tab of the desktop (as after the next sign-in) opens
    // it unfolded.
    const again = await agent.context().newPage();
    try {
      await again.goto(agent.url());
      await again.getByTestId('recent-item').first().waitFor(eventually);
      expect(await again.getByTestId('recent-conversations').getAttribute('open')).not.toBeNull();
    } finally {
      await again.close();
    }
  });

  it('[issue-15][S-12] CAD variables set by API appear in the panel; with masking on the system ones are masked', async () => {
    const conversationId = await openConversationId();
    if (conversationId === null) throw new Error('no open conversation');
    const put = await apiAs(stack, 'sofia', 'PUT', `/api/conversations/${conversationId}/variables`, {
      variables: { orderId: 'A-77', crmContact: 'melissa@gmail.com' },
    });
    expect(put.status).toBe(200);
    const panel = agent.getByTestId('cad-panel');
    await panel.locator('summary').click();
    await panel.getByRole('button', { name: 'Refresh' }).click();
    const value = (key: string) => panel.locator(`tr[data-key="${key}"] td`);
    await expect.poll(() => value('orderId').textContent(), eventually).toBe('A-77');
    expect(await value('parlo.contactSource').textContent()).toBe('+16505551234');
    expect(await value('parlo.queue').textContent()).toBe('Customer Support');

    const on = await apiAs(stack, 'admin', 'PUT', '/api/admin/settings', { maskSensitiveData: true });
    expect(on.status).toBe(200);
    await panel.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => value('parlo.contactSource').textContent(), eventually).toMatch(/^\*{4,}1234$/);
    expect(await value('parlo.businessNumber').textContent()).toMatch(/^\*{4,}3881$/);
    expect(await value('parlo.waId').textContent()).toMatch(/^\*{4,}1234$/);
    expect(await value('crmContact').textContent()).toBe('m******@gmail.com');
    expect(await value('orderId').textContent()).toBe('A-77');
    expect(await panel.locator('tr[data-system="true"]').count()).toBeGreaterThan(5);
    // Every panel refetched after the snapshot that followed the switch: the page holds no raw value.
    const html = () => agent.evaluate(() => document.documentElement.outerHTML);
    await expect.poll(async () => (await html()).includes('6505551234'), eventually).toBe(false);
    expect(await html()).not.toContain('melissa@gmail.com');
    await agent.screenshot({ path: join(screenshotsDir, 'cad-variables.png') });
  });
});
