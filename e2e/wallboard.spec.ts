import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  acceptContactRequest,
  artifactsDir,
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
 * Issue 16's wallboard as a supervisor meets it: it is pushed, not polled — a customer who writes
 * shows as waiting, and as answered once an agent accepts, without a reload; TV mode shows the
 * same figures in large type.
 */
let stack: Stack;
let sofia: Page;
let anna: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack();
  [sofia, anna, phone] = [await stack.newPage(), await stack.newPage(), await stack.newPage()];
  await signInAdmin(sofia, stack.parloUrl, 'sofia', 'Wallboard');
  await signIn(anna, stack.parloUrl, 'anna');
});
afterAll(async () => {
  await stack?.stop();
});

const board = () => sofia.getByTestId('wallboard');
const tile = (testId: string) => board().getByTestId(testId).locator('dd');
const supportRow = () => board().getByTestId('wallboard-queues').locator('tr[data-queue-id="q_support"]');

describe('[issue-16] the wallboard', () => {
  it('shows a waiting customer, then the answer, pushed within a second each', async () => {
    await board().waitFor(eventually);
    expect(await tile('wb-waiting').textContent()).toBe('0');
    await customerWrites(phone, stack.simUrl, 'Ravi Kumar', 'Is anyone there?');
    await expect.poll(() => tile('wb-waiting').textContent(), eventually).toBe('1');
    expect(await tile('wb-offered').textContent()).toBe('1');
    expect(await supportRow().locator('td').first().textContent()).toBe('1');

    await chooseAgentState(anna, 'available');
    await offerPopover(anna).waitFor(eventually);
    await acceptContactRequest(anna);
    await expect.poll(() => tile('wb-answered').textContent(), eventually).toBe('1');
    expect(await tile('wb-waiting').textContent()).toBe('0');
    const annaRow = board()
      .getByTestId('wallboard-agents')
      .getByRole('row')
      .filter({ hasText: 'Anna Rossi' });
    await expect.poll(() => annaRow.textContent(), eventually).toContain('1 / 5');
    mkdirSync(artifactsDir, { recursive: true });
    await board().screenshot({ path: join(artifactsDir, 'wallboard.png') });
  });

  it('TV mode shows the center and a queue in large type; Escape leaves it', async () => {
    await board().getByRole('button', { name: 'TV mode' }).click();
    const tv = sofia.getByTestId('wallboard-tv');
    await tv.waitFor(eventually);
    await sofia.screenshot({ path: join(artifactsDir, 'wallboard-tv.png') });
    expect(await tv.getByTestId('wb-answered').first().locator('dd').textContent()).toBe('1');
    await sofia.keyboard.press('Escape');
    await tv.waitFor({ state: 'detached', ...eventually });
  });
});
