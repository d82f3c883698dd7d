import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  endConversation,
  acceptContactRequest,
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
 * Conference (S-19..S-23) with three agent pages and the customer's phone: Anna owns a
 * conversation and pulls in Marco (by name) or whoever the Sales queue offers it to (Giulia);
 * both write, the customer gets both; End conference and Exit conference each end in wrap-up
 * for the agent who leaves, while the owner goes on.
 */
const OFFER_TIMEOUT_MS = 8000;

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
const conferenceDialog = (page: Page) => page.getByRole('dialog', { name: 'Conference request' });
const wrapUpDialog = (page: Page) => page.getByRole('dialog', { name: 'Wrap-up reasons' });
const indicator = (page: Page) => page.getByTestId('conference-indicator');
const systemNotes = (page: Page) => page.locator('[data-testid="bubble"][data-direction="system"]');
const bubbles = (page: Page) => page.locator('[data-testid="bubble"]');
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const phoneSees = (text: string) => phone.getByTestId('phone-message').filter({ hasText: text }).waitFor();

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message').fill(text);
  await page.getByLabel('Message').press('Enter');
  await expect.poll(() => page.getByLabel('Message').inputValue(), eventually).toBe('');
}

/** Opens Conference, picks a queue or an agent by name, and submits. */
async function requestConference(kind: 'Queue' | 'Agent', target: string): Promise<void> {
  await button(anna, 'Conference').click();
  const dialog = conferenceDialog(anna);
  await dialog.waitFor();
  const submit = dialog.getByRole('button', { name: 'Conference', exact: true });
  expect(await submit.isDisabled()).toBe(true);
  await dialog.getByRole('radio', { name: kind }).check();
  await dialog.getByLabel(kind === 'Queue' ? 'Search queues' : 'Search agents').fill(target.slice(0, 3));
  await dialog.getByRole('radio', { name: target }).check();
  await submit.click();
  await dialog.waitFor({ state: 'detached' });
}

describe('conference', () => {
  it('[S-19][S-20] Conference request to an agent: "Conference requested", then "Conference" and "joined the chat" on both desktops', async () => {
    await chooseAgentState(anna, 'available');
    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', 'Two questions: billing and delivery');
    await popover(anna).waitFor();
    await acceptContactRequest(anna);
    await chooseAgentState(marco, 'available');

    await requestConference('Agent', 'Marco Bianchi');
    await expect.poll(() => indicator(anna).getAttribute('data-state'), eventually).toBe('requested');
    expect(await indicator(anna).textContent()).toContain('Conference requested');
    // While one is requested, no second request and no transfer.
    expect(await button(anna, 'Conference').count()).toBe(0);
    expect(await button(anna, 'Transfer').isDisabled()).toBe(true);

    const offer = popover(marco);
    await offer.waitFor();
    expect(await offer.getByTestId('offer-purpose').textContent()).toBe('Conference request from Anna Rossi');
    await acceptContactRequest(marco);

    await expect.poll(() => indicator(anna).getAttribute('data-state'), eventually).toBe('joined');
    expect(await indicator(anna).textContent()).toBe('Conference with Marco Bianchi');
    await expect.poll(() => indicator(marco).textContent(), eventually).toBe('Conference with Anna Rossi');
    for (const page of [anna, marco])
      await expect
        .poll(() => systemNotes(page).allTextContents(), eventually)
        .toContainEqual(expect.stringContaining('joined the chat'));
    // The note is structured: a desktop in Italian words it in Italian (and back in English).
    await marco.getByLabel('Language').selectOption('it');
    await expect
      .poll(() => systemNotes(marco).allTextContents(), eventually)
      .toContainEqual(expect.stringContaining('Marco Bianchi ha raggiunto la chat'));
    await marco.getByLabel('Lingua').selectOption('en');
    await expect
      .poll(() => systemNotes(marco).allTextContents(), eventually)
      .toContainEqual(expect.stringContaining('Marco Bianchi joined the chat'));

    // The guest sees the whole history, and only Exit conference among the controls.
    await expect
      .poll(() => bubbles(marco).allTextContents(), eventually)
      .toContainEqual(expect.stringContaining('billing and delivery'));
    expect(await marco.getByTestId('participant-role').getAttribute('data-role')).toBe('guest');
    expect(await button(marco, 'Exit conference').isEnabled()).toBe(true);
    for (const name of ['Transfer', 'Conference', 'End', 'End conference'])
      expect(await button(marco, name).count(), name).toBe(0);
    // The owner can end the conference.
    expect(await anna.getByTestId('participant-role').getAttribute('data-role')).toBe('owner');
    expect(await button(anna, 'End conference').isEnabled()).toBe(true);
  });

  it('[S-20] in a conference both agents write and the customer receives both', async () => {
    await send(anna, 'Anna here, I will take the billing part.');
    await send(marco, 'Marco here, I will check the delivery.');
    await phoneSees('I will take the billing part');
    await phoneSees('I will check the delivery');
    // Each desktop shows the colleague's message, with the colleague's name.
    await expect
      .poll(() => bubbles(anna).allTextContents(), eventually)
      .toContainEqual(expect.stringContaining('I will check the delivery'));
    await expect
      .poll(() => bubbles(marco).allTextContents(), eventually)
      .toContainEqual(expect.stringContaining('I will take the billing part'));
    await expect
      .poll(() => anna.getByTestId('bubble-author').allTextContents(), eventually)
      .toContain('Marco Bianchi');
    mkdirSync(screenshotsDir, { recursive: true });
    await anna.screenshot({ path: join(screenshotsDir, 'conference-joined.png') });
  });

  it("[S-20] in a conference the customer's new messages reach both agents", async () => {
    await phone.getByLabel('Message').fill('Thank you both!');
    await phone.getByRole('button', { name: 'Send' }).click();
    for (const page of [anna, marco])
      await expect
        .poll(() => bubbles(page).allTextContents(), eventually)
        .toContainEqual(expect.stringContaining('Thank you both!'));
  });

  it('[S-21][S-23] End conference: the guest leaves with the Wrap-up dialog, the owner goes on with the customer', async () => {
    await button(anna, 'End conference').click();
    await wrapUpDialog(marco).waitFor();
    await submitWrapUp(marco);
    await expect.poll(() => marco.locator('[data-conversation-id]').count(), eventually).toBe(0);

    await indicator(anna).waitFor({ state: 'detached' });
    expect(await wrapUpDialog(anna).count()).toBe(0);
    expect(await button(anna, 'Conference').isEnabled()).toBe(true);
    await send(anna, 'Marco sorted the delivery; anything else on billing?');
    await phoneSees('anything else on billing');
  });

  it('[S-19][S-22][S-23] Conference request to a queue; the guest exits, wraps up, and the owner carries on', async () => {
    // Giulia is the only Available agent besides Anna: the Sales queue's request goes to her.
    await chooseAgentState(marco, 'Break');
    await chooseAgentState(giulia, 'available');
    await requestConference('Queue', 'Sales');
    await expect.poll(() => indicator(anna).getAttribute('data-state'), eventually).toBe('requested');

    const offer = popover(giulia);
    await offer.waitFor();
    expect(await offer.getByTestId('offer-purpose').textContent()).toBe('Conference request from Anna Rossi');
    await acceptContactRequest(giulia);
    await expect.poll(() => indicator(anna).textContent(), eventually).toBe('Conference with Giulia Verdi');
    await expect.poll(() => indicator(giulia).textContent(), eventually).toBe('Conference with Anna Rossi');
    await send(giulia, 'Giulia from Sales: here is our offer.');
    await phoneSees('here is our offer');

    await button(giulia, 'Exit conference').click();
    await wrapUpDialog(giulia).waitFor();
    await submitWrapUp(giulia);
    await expect.poll(() => giulia.locator('[data-conversation-id]').count(), eventually).toBe(0);

    await indicator(anna).waitFor({ state: 'detached' });
    await send(anna, 'Back to just us two.');
    await phoneSees('Back to just us two.');
  });

  it('[S-20] a conference request nobody accepts is reported to the owner, and the conversation carries on', async () => {
    await chooseAgentState(giulia, 'Break');
    await chooseAgentState(marco, 'available');
    await requestConference('Agent', 'Marco Bianchi');
    await popover(marco).waitFor();
    // Marco lets it lapse: he goes to RONA as for any offer; Anna is told.
    await expect
      .poll(() => anna.getByRole('alert').allTextContents(), { timeout: OFFER_TIMEOUT_MS + 5000 })
      .toContainEqual(expect.stringContaining('The conference request to Marco Bianchi was not accepted'));
    await indicator(anna).waitFor({ state: 'detached' });
    expect(await button(anna, 'Conference').isEnabled()).toBe(true);
    expect(await button(anna, 'Transfer').isEnabled()).toBe(true);
    await send(anna, 'Still here with you.');
    await phoneSees('Still here with you.');
  });

  it('[S-23][S-24] the owner ending during a conference: both agents wrap up', async () => {
    await chooseAgentState(marco, 'available');
    await requestConference('Agent', 'Marco Bianchi');
    await acceptContactRequest(marco);
    await expect.poll(() => indicator(anna).getAttribute('data-state'), eventually).toBe('joined');

    await endConversation(anna);
    await wrapUpDialog(anna).waitFor();
    // Marco did nothing: his Wrap-up reasons dialog opens by itself.
    await wrapUpDialog(marco).waitFor();
    await submitWrapUp(marco);
    await submitWrapUp(anna);
    for (const page of [anna, marco])
      await expect.poll(() => page.locator('[data-conversation-id]').count(), eventually).toBe(0);
  });
});
