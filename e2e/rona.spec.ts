import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { setOfferTimeouts, customerWrites, agentStateOf, signIn, startStack, type Stack } from './harness.ts';

/**
 * RONA as agents live it: an offer nobody accepts lapses, the agent goes to RONA and the
 * conversation pops up for a colleague; and an offer's deadline survives a server restart.
 */
const OFFER_TIMEOUT_MS = 4000;

let stack: Stack;
let anna: Page;
let marco: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack();
  // Short deadlines, so the test waits seconds rather than the demo's 30 s.
  await setOfferTimeouts(stack, OFFER_TIMEOUT_MS);
  [anna, marco, phone] = [await stack.newPage(), await stack.newPage(), await stack.newPage()];
  await signIn(anna, stack.parloUrl, 'anna');
  await signIn(marco, stack.parloUrl, 'marco');
});
afterAll(async () => {
  await stack?.stop();
});

const stateOf = agentStateOf;
const popover = (page: Page) => page.getByRole('dialog', { name: 'Contact request' });

describe('RONA and durable offer deadlines', () => {
  it('[S-4] an offer not accepted in time puts the agent in RONA and goes to the next agent', async () => {
    await anna.getByLabel('Agent state').selectOption('available');
    await expect.poll(() => stateOf(anna)).toBe('available');
    await marco.getByLabel('Agent state').selectOption('available');
    await expect.poll(() => stateOf(marco)).toBe('available');

    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', 'Is anyone there?');
    // Anna has been Available longest: the offer is hers first.
    await popover(anna).waitFor();
    expect(await popover(marco).count()).toBe(0);

    await expect.poll(() => stateOf(anna), { timeout: OFFER_TIMEOUT_MS + 5000 }).toBe('rona');
    await popover(anna).waitFor({ state: 'detached' });
    await popover(marco).waitFor();
    expect(
      await anna
        .getByRole('alert')
        .filter({ hasText: /RONA|Available/ })
        .count(),
    ).toBeGreaterThan(0);
  });

  it('[S-4] RONA lasts until the agent changes it by hand', async () => {
    await marco.getByRole('button', { name: 'Accept' }).click();
    await marco.getByLabel('Message').waitFor();
    await anna.waitForTimeout(2000);
    expect(await stateOf(anna)).toBe('rona');
    await anna.getByLabel('Agent state').selectOption('available');
    await expect.poll(() => stateOf(anna)).toBe('available');
  });

  it('an offer pending across a server restart still lapses on time', async () => {
    await marco.getByLabel('Agent state').selectOption({ label: 'Idle – Break' });
    await expect.poll(() => stateOf(marco)).toBe('idle');
    await customerWrites(phone, stack.simUrl, 'Ravi Kumar', 'Hello, I need help with my order');
    await popover(anna).waitFor();
    const offeredAt = Date.now();

    await stack.restartParlo();

    // The deadline is a row, not a setTimeout: the restarted server fires it, and the desktop,
    // reconnected, learns of it from the events it missed.
    await expect.poll(() => stateOf(anna), { timeout: OFFER_TIMEOUT_MS + 15_000 }).toBe('rona');
    const lapsedAfter = Date.now() - offeredAt;
    expect(lapsedAfter).toBeGreaterThanOrEqual(OFFER_TIMEOUT_MS - 500);
    const offers = await stack.parlo.store.transaction(async (tx) =>
      Object.values((await tx.routing.read()).offers),
    );
    expect(offers.filter((o) => o.status.kind === 'pending')).toHaveLength(0);
    await popover(anna).waitFor({ state: 'detached' });
  });
});
