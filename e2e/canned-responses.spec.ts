import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  acceptContactRequest,
  apiAs,
  chooseAgentState,
  customerWrites,
  eventually,
  offerPopover,
  signIn,
  startStack,
  type Stack,
} from './harness.ts';

/**
 * Issue 18 as an agent meets it: typing "/" in the composer lists the queue's canned responses,
 * searched as she types; Enter puts the chosen one in the draft filled with the customer's and
 * her own first names, and it reaches the customer's phone as sent. An internal note stays in the
 * pane and never reaches the phone.
 */
let stack: Stack;
let agent: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack();
  agent = await stack.newPage();
  phone = await stack.newPage();
  expect(
    (await apiAs(stack, 'admin', 'PUT', '/api/admin/settings', { maskSensitiveData: false })).status,
  ).toBe(200);
  for (const [shortcut, title, body] of [
    ['greet', 'Greeting', 'Hi {{customer.first_name}}, I am {{agent.first_name}}. How can I help?'],
    ['hours', 'Opening hours', 'We are open 9 to 18, Monday to Friday.'],
  ] as const) {
    const created = await apiAs(stack, 'sofia', 'POST', '/api/canned-responses', {
      queueId: 'q_support',
      shortcut,
      title,
      body,
      language: null,
    });
    expect(created.status).toBe(201);
  }
});

afterAll(async () => {
  await stack?.stop();
});

describe('[issue-18] canned responses', () => {
  it('"/" lists them as the agent types; Enter fills the chosen one in, and it reaches the phone', async () => {
    await signIn(agent, stack.parloUrl, 'anna');
    await chooseAgentState(agent, 'available');
    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', 'Hello, are you there?');
    await offerPopover(agent).waitFor(eventually);
    await acceptContactRequest(agent);
    const composer = agent.getByLabel('Message', { exact: true });
    await composer.fill('/');
    const options = agent.getByTestId('canned-option');
    await expect.poll(() => options.count(), eventually).toBe(2);
    // Arrows move the highlight; Escape leaves the draft as typed, the list closed.
    await composer.press('ArrowDown');
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    await composer.press('Escape');
    expect(await agent.getByTestId('canned-picker').count()).toBe(0);
    expect(await composer.inputValue()).toBe('/');
    await composer.fill('/open');
    await expect.poll(() => options.count(), eventually).toBe(1);
    expect(await options.first().textContent()).toContain('/hours');
    await composer.fill('/gr');
    await expect.poll(() => options.first().textContent(), eventually).toContain('/greet');
    await composer.press('Enter');
    await expect.poll(() => composer.inputValue(), eventually).toBe('Hi Sheena, I am Anna. How can I help?');
    // The list is gone; the next Enter sends.
    expect(await agent.getByTestId('canned-picker').count()).toBe(0);
    await composer.press('Enter');
    await phone
      .getByTestId('phone-message')
      .filter({ hasText: 'Hi Sheena, I am Anna. How can I help?' })
      .waitFor(eventually);
  });

  it('an internal note shows in the pane as a note and never reaches the phone', async () => {
    const composer = agent.getByLabel('Message', { exact: true });
    await agent.getByTestId('note-toggle').click();
    expect(await agent.getByTestId('note-toggle').getAttribute('aria-pressed')).toBe('true');
    await composer.fill('Customer asked twice already, be quick');
    await composer.press('Enter');
    const note = agent.locator('[data-note="internal"]').filter({ hasText: 'Customer asked twice already' });
    await note.waitFor(eventually);
    // Back to replies: the next message is sent, and only it reaches the phone.
    await agent.getByTestId('note-toggle').click();
    await composer.fill('Thanks for waiting');
    await composer.press('Enter');
    await phone.getByTestId('phone-message').filter({ hasText: 'Thanks for waiting' }).waitFor(eventually);
    const thread: unknown = await (await fetch(`${stack.simUrl}/sim/customers/16505551234/thread`)).json();
    expect(JSON.stringify(thread)).toContain('Thanks for waiting');
    expect(JSON.stringify(thread)).not.toContain('Customer asked twice');
  });
});
