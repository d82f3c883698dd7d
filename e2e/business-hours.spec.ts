import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  acceptContactRequest,
  chooseAgentState,
  customerWrites,
  eventually,
  offerPopover,
  signIn,
  signInAdmin,
  startStack,
  type Stack,
} from './harness.ts';

/**
 * Issue 18's business hours (ADR 27), as people see them: the administrator gives the Support queue
 * business hours in the console (here: no opening at all, so it is closed whatever the time) with an
 * out-of-hours reply; a customer writes; the reply reaches their phone (the simulator's record) and
 * nobody is offered the conversation; once the hours are turned off it is offered, and the agent's
 * transcript shows the reply marked Automatic.
 */
let stack: Stack;
let admin: Page;
let agent: Page;
let phone: Page;

const REPLY = 'We are closed right now: we will answer as soon as we open.';

beforeAll(async () => {
  stack = await startStack();
  [admin, agent, phone] = await Promise.all([stack.newPage(), stack.newPage(), stack.newPage()]);
});

afterAll(async () => {
  await stack?.stop();
});

describe('[issue-18] business hours and the out-of-hours reply', () => {
  it('out of hours the customer gets the automatic reply and waits; at opening the agent sees it marked Automatic', async () => {
    await signInAdmin(admin, stack.parloUrl, 'admin', 'Hours and automatic messages');
    const hours = admin.getByTestId('business-hours-form');
    await hours.getByTestId('business-hours-enabled').waitFor(eventually);
    await hours.getByTestId('business-hours-enabled').check();
    await hours.getByTestId('business-hours-reply-en').fill(REPLY);
    await hours.getByTestId('business-hours-save').click();
    await expect
      .poll(() => admin.getByTestId('business-hours-status').textContent(), eventually)
      .toBe('Saved.');
    expect(await hours.textContent()).toContain('Closed now');

    await signIn(agent, stack.parloUrl, 'anna');
    await chooseAgentState(agent, 'available');
    await customerWrites(phone, stack.simUrl, 'Ravi Kumar', 'Is anyone there?');

    // The reply reaches the phone: on its page and in the simulator's record of the chat.
    await phone.getByTestId('phone-message').filter({ hasText: REPLY }).waitFor(eventually);
    const ravi = stack.sim.customers().find((c) => c.name === 'Ravi Kumar');
    const thread = stack.sim.thread(ravi?.key ?? '');
    expect(thread.filter((m) => m.direction === 'out').map((m) => m.text)).toEqual([REPLY]);

    // Closed: Anna is Available but not offered it.
    await agent.waitForTimeout(1000);
    expect(await offerPopover(agent).count()).toBe(0);

    // The administrator turns the hours off: the queue is open, the conversation is offered at once.
    await hours.getByTestId('business-hours-enabled').uncheck();
    await hours.getByTestId('business-hours-save').click();
    await offerPopover(agent).waitFor(eventually);
    await acceptContactRequest(agent);
    const automatic = agent
      .locator('[data-testid="bubble"][data-automatic="true"]')
      .filter({ hasText: REPLY });
    await automatic.waitFor(eventually);
    expect(await automatic.getByTestId('bubble-automatic').textContent()).toBe('Automatic');
  });
});
