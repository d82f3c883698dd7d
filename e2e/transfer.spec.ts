import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { adminRoutes, supervisorOverviewSchema, supervisorRoutes } from '@parlo/protocol';
import {
  endConversation,
  acceptContactRequest,
  agentStateOf,
  apiAs,
  chooseAgentState,
  customerWrites,
  eventually,
  offerPopover,
  screenshotsDir,
  startTeam,
  submitWrapUp,
  type Stack,
} from './harness.ts';

/**
 * Transfer (S-14..S-18) as agents live it, with three agent pages and the customer's phone: to a
 * queue, to an agent who accepts, to an agent who lets it lapse under each admin policy, and the
 * bad inputs (a target who just went Idle, a double click).
 */
const OFFER_TIMEOUT_MS = 5000;

let stack: Stack;
let anna: Page;
let marco: Page;
let giulia: Page;
let phone: Page;

beforeAll(async () => {
  ({ stack, anna, marco, giulia, phone } = await startTeam(OFFER_TIMEOUT_MS));
});
afterAll(async () => {
  await stack?.stop();
});

const popover = offerPopover;
const transferDialog = (page: Page) => page.getByRole('dialog', { name: 'Transfer request' });
const wrapUpDialog = (page: Page) => page.getByRole('dialog', { name: 'Wrap-up reasons' });
const inbound = (page: Page) => page.locator('[data-testid="bubble"][data-direction="inbound"]');
const outbound = (page: Page) => page.locator('[data-testid="bubble"][data-direction="outbound"]');
const conversationCount = (page: Page) => page.locator('[data-conversation-id]').count();

/** Only `owner` is Available: the next customer who writes is offered to them, and accepted. */
async function ownerTakesACustomer(owner: Page, customer: string, text: string): Promise<void> {
  await chooseAgentState(owner, 'available');
  await customerWrites(phone, stack.simUrl, customer, text);
  await popover(owner).waitFor();
  await acceptContactRequest(owner);
  await expect
    .poll(() => inbound(owner).allTextContents(), eventually)
    .toContainEqual(expect.stringContaining(text));
}

async function openTransfer(page: Page) {
  await page.getByRole('button', { name: 'Transfer', exact: true }).click();
  const dialog = transferDialog(page);
  await dialog.waitFor();
  return dialog;
}

async function agentEndsAndWrapsUp(page: Page): Promise<void> {
  await endConversation(page);
  await submitWrapUp(page);
}

async function setPolicy(policy: 'returnToQueue' | 'endConversation'): Promise<void> {
  const { status } = await apiAs(stack, 'admin', 'PUT', adminRoutes.settings, {
    transferNotAcceptedPolicy: policy,
  });
  expect(status).toBe(200);
}

async function waitingCount(): Promise<number> {
  const { status, json } = await apiAs(stack, 'sofia', 'GET', supervisorRoutes.overview);
  expect(status).toBe(200);
  return supervisorOverviewSchema.parse(json).waiting.length;
}

describe('transfer', () => {
  it('[S-14][S-15][S-16] Transfer opens the Transfer request dialog: Queue or Agent, a search that filters, a refresh', async () => {
    await ownerTakesACustomer(anna, 'Sheena Nelson', 'I would like to change my plan');
    const dialog = await openTransfer(anna);
    const submit = dialog.getByRole('button', { name: 'Transfer', exact: true });
    expect(await submit.isDisabled()).toBe(true);

    // Queues first; the search filters as you type.
    expect(await dialog.getByRole('radio', { name: 'Queue' }).isChecked()).toBe(true);
    const queues = dialog.getByRole('group', { name: 'Queues' }).getByRole('radio');
    await expect.poll(() => queues.count(), eventually).toBe(2);
    await dialog.getByLabel('Search queues').fill('sal');
    await expect.poll(() => queues.count(), eventually).toBe(1);
    expect(await queues.first().getAttribute('aria-labelledby')).not.toBeNull();
    await dialog.getByRole('radio', { name: 'Sales' }).check();
    expect(await submit.isDisabled()).toBe(false);

    // Agents: only Available ones with spare capacity; Marco and Giulia are Idle at sign-in.
    await dialog.getByRole('radio', { name: 'Agent' }).check();
    expect(await submit.isDisabled()).toBe(true);
    const agents = dialog.getByRole('group', { name: 'Agents' }).getByRole('radio');
    await expect.poll(() => dialog.textContent(), eventually).toContain('No agent is available');
    expect(await agents.count()).toBe(0);

    // S-16: Marco becomes Available; the list shows him only after Refresh.
    await chooseAgentState(marco, 'available');
    await anna.waitForTimeout(300);
    expect(await agents.count()).toBe(0);
    await dialog.getByRole('button', { name: 'Refresh lists' }).click();
    await expect.poll(() => agents.count(), eventually).toBe(1);
    expect(await dialog.getByRole('radio', { name: 'Marco Bianchi' }).count()).toBe(1);
    await dialog.getByLabel('Search agents').fill('giu');
    await expect.poll(() => agents.count(), eventually).toBe(0);
    await dialog.getByLabel('Search agents').fill('');

    // Escape closes the dialog and nothing happened to the conversation.
    await anna.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await anna.getByRole('button', { name: 'End', exact: true }).isEnabled()).toBe(true);
  });

  it('[S-17][S-18] transfer to a queue: Wrap-up opens at once, the conversation waits in that queue and a colleague gets it with its history', async () => {
    // Anna goes Idle so the conversation cannot come straight back to her; Marco is Available.
    await chooseAgentState(anna, 'Break');
    await anna.getByLabel('Message').fill('Let me pass you to our sales team.');
    await anna.getByLabel('Message').press('Enter');
    await phone.getByTestId('phone-message').filter({ hasText: 'pass you to our sales team' }).waitFor();

    const dialog = await openTransfer(anna);
    await dialog.getByRole('radio', { name: 'Sales' }).check();
    mkdirSync(screenshotsDir, { recursive: true });
    await anna.screenshot({ path: join(screenshotsDir, 'transfer-dialog.png') });
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();

    // S-18: the Wrap-up reasons dialog, straight away.
    await dialog.waitFor({ state: 'detached' });
    await wrapUpDialog(anna).waitFor();
    await submitWrapUp(anna);
    await expect.poll(() => conversationCount(anna), eventually).toBe(0);

    await popover(marco).waitFor();
    await expect.poll(() => popover(marco).textContent(), eventually).toContain('Sheena Nelson');
    expect(await popover(marco).textContent()).toContain('Sales');
    await acceptContactRequest(marco);
    // The history comes with it: the customer's words and Anna's reply.
    await expect
      .poll(() => inbound(marco).allTextContents(), eventually)
      .toContainEqual(expect.stringContaining('change my plan'));
    await expect
      .poll(() => outbound(marco).allTextContents(), eventually)
      .toContainEqual(expect.stringContaining('pass you to our sales team'));
    await agentEndsAndWrapsUp(marco);
  });

  it('[S-17] transfer to an agent: the popover says it is a transfer and from whom; the history is there after Accept', async () => {
    await chooseAgentState(marco, 'Break');
    await ownerTakesACustomer(anna, 'Ravi Kumar', 'My parcel has not arrived');
    await chooseAgentState(marco, 'available');

    const dialog = await openTransfer(anna);
    await dialog.getByRole('radio', { name: 'Agent' }).check();
    await dialog.getByLabel('Search agents').fill('mar');
    await dialog.getByRole('radio', { name: 'Marco Bianchi' }).check();
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await submitWrapUp(anna);

    const offer = popover(marco);
    await offer.waitFor();
    expect(await offer.getByTestId('offer-purpose').textContent()).toBe('Transfer from Anna Rossi');
    expect(await marco.getByRole('dialog', { name: /Transfer from Anna Rossi/ }).count()).toBe(1);
    await acceptContactRequest(marco);
    await expect
      .poll(() => inbound(marco).allTextContents(), eventually)
      .toContainEqual(expect.stringContaining('parcel has not arrived'));
    await agentEndsAndWrapsUp(marco);
  });

  it('[S-17] bad input: a target agent who just went Idle -> a clear message in the dialog, the conversation stays', async () => {
    await chooseAgentState(anna, 'Break');
    await chooseAgentState(marco, 'Break');
    await ownerTakesACustomer(giulia, 'Sheena Nelson', 'Can you check my invoice?');
    await chooseAgentState(marco, 'available');

    const dialog = await openTransfer(giulia);
    await dialog.getByRole('radio', { name: 'Agent' }).check();
    await dialog.getByRole('radio', { name: 'Marco Bianchi' }).check();
    // Marco goes Idle between the list and the click.
    await chooseAgentState(marco, 'Break');
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    const error = dialog.getByRole('alert');
    await expect.poll(() => error.textContent(), eventually).toContain('can no longer take the conversation');
    // The lists are fetched again: Marco is gone, nothing is chosen.
    await expect
      .poll(() => dialog.getByRole('group', { name: 'Agents' }).getByRole('radio').count(), eventually)
      .toBe(0);
    expect(await dialog.getByRole('button', { name: 'Transfer', exact: true }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(await wrapUpDialog(giulia).count()).toBe(0);
    expect(await giulia.getByRole('button', { name: 'End', exact: true }).isEnabled()).toBe(true);
  });

  it('[S-17] bad input: a double-clicked Transfer makes one transfer', async () => {
    await chooseAgentState(marco, 'available');
    const dialog = await openTransfer(giulia);
    await dialog.getByRole('radio', { name: 'Agent' }).check();
    await dialog.getByRole('radio', { name: 'Marco Bianchi' }).check();
    // The desktop itself must send one request (the server would refuse a second one anyway).
    const transferPosts: string[] = [];
    giulia.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/transfer'))
        transferPosts.push(request.url());
    });
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).dblclick();
    await submitWrapUp(giulia);
    expect(transferPosts).toHaveLength(1);
    await popover(marco).waitFor();
    await marco.waitForTimeout(500);
    expect(await popover(marco).count()).toBe(1);
    const offers = await stack.parlo.store.transaction(async (tx) =>
      Object.values((await tx.routing.read()).offers),
    );
    expect(offers.filter((o) => o.status.kind === 'pending')).toHaveLength(1);
    await acceptContactRequest(marco);
    await agentEndsAndWrapsUp(marco);
  });

  it('[S-17] a transfer to an agent who lets it lapse: returnToQueue (the default) puts it back in its queue, nobody loses the customer', async () => {
    await setPolicy('returnToQueue');
    await chooseAgentState(giulia, 'Break');
    await chooseAgentState(marco, 'Break');
    await ownerTakesACustomer(anna, 'Ravi Kumar', 'Is my refund on its way?');
    await chooseAgentState(marco, 'available');

    const dialog = await openTransfer(anna);
    await dialog.getByRole('radio', { name: 'Agent' }).check();
    await dialog.getByRole('radio', { name: 'Marco Bianchi' }).check();
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await submitWrapUp(anna);
    await chooseAgentState(anna, 'Break');
    await popover(marco).waitFor();

    // Marco does not answer: his offer lapses (RONA) and the conversation waits again.
    await expect.poll(() => agentStateOf(marco), { timeout: OFFER_TIMEOUT_MS + 5000 }).toBe('rona');
    await popover(marco).waitFor({ state: 'detached' });
    await expect.poll(() => waitingCount(), eventually).toBe(1);

    // The next Available agent gets it, history and all.
    await chooseAgentState(giulia, 'available');
    await popover(giulia).waitFor();
    await acceptContactRequest(giulia);
    await expect
      .poll(() => inbound(giulia).allTextContents(), eventually)
      .toContainEqual(expect.stringContaining('refund on its way'));
    await agentEndsAndWrapsUp(giulia);
    await chooseAgentState(marco, 'available');
  });

  it('[S-17] a transfer to an agent who lets it lapse: endConversation ends it', async () => {
    await setPolicy('endConversation');
    await chooseAgentState(giulia, 'Break');
    await chooseAgentState(marco, 'Break');
    await ownerTakesACustomer(anna, 'Sheena Nelson', 'Please close my account');
    await chooseAgentState(marco, 'available');

    const dialog = await openTransfer(anna);
    await dialog.getByRole('radio', { name: 'Agent' }).check();
    await dialog.getByRole('radio', { name: 'Marco Bianchi' }).check();
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await submitWrapUp(anna);
    await popover(marco).waitFor();
    await chooseAgentState(giulia, 'available');

    await expect.poll(() => agentStateOf(marco), { timeout: OFFER_TIMEOUT_MS + 5000 }).toBe('rona');
    await popover(marco).waitFor({ state: 'detached' });
    // Ended, not re-queued: Giulia, Available, is offered nothing and nobody waits.
    await giulia.waitForTimeout(2000);
    expect(await popover(giulia).count()).toBe(0);
    expect(await popover(anna).count()).toBe(0);
    expect(await waitingCount()).toBe(0);
    await setPolicy('returnToQueue');
  });

  it('[S-17] the target declines the transfer: RONA as for a lapse, and the customer waits again at the head of the queue', async () => {
    await chooseAgentState(giulia, 'Break');
    await chooseAgentState(marco, 'Break');
    await ownerTakesACustomer(anna, 'Amelia Clarke', 'Can someone check my invoice?');
    await chooseAgentState(marco, 'available');

    const dialog = await openTransfer(anna);
    await dialog.getByRole('radio', { name: 'Agent' }).check();
    await dialog.getByRole('radio', { name: 'Marco Bianchi' }).check();
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await submitWrapUp(anna);
    await chooseAgentState(anna, 'Break');

    // A routed request has no Decline; a colleague's transfer has.
    await popover(marco).getByRole('button', { name: 'Decline' }).click();
    await popover(marco).waitFor({ state: 'detached' });
    await expect.poll(() => agentStateOf(marco), eventually).toBe('rona');
    await expect.poll(() => waitingCount(), eventually).toBe(1);

    await chooseAgentState(giulia, 'available');
    await popover(giulia).waitFor();
    expect(await popover(giulia).getByRole('button', { name: 'Decline' }).count()).toBe(0);
    await acceptContactRequest(giulia);
    await expect
      .poll(() => inbound(giulia).allTextContents(), eventually)
      .toContainEqual(expect.stringContaining('check my invoice'));
    await agentEndsAndWrapsUp(giulia);
    await chooseAgentState(marco, 'available');
  });
});
