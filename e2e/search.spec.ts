import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { customerWrites, eventually, signInAdmin, startStack, type Stack } from './harness.ts';

/**
 * Issue 15 as a supervisor meets it: with masking on, search finds a customer's conversation by
 * a word of their message and by their number, and the results show the number masked.
 */
let stack: Stack;
let supervisor: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack();
  await stack.parlo.store.transaction((tx) => tx.setSetting('masking.enabled', 'true'));
  supervisor = await stack.newPage();
  phone = await stack.newPage();
  await signInAdmin(supervisor, stack.parloUrl, 'sofia', 'Search');
});
afterAll(async () => {
  await stack?.stop();
});

const searchForm = () => supervisor.getByRole('search');
const hits = () => supervisor.getByTestId('search-hit');

async function searchBy(field: string, value: string): Promise<void> {
  for (const label of ['Words in messages', 'Customer name', 'Customer number'])
    await searchForm().getByLabel(label).fill('');
  await searchForm().getByLabel(field).fill(value);
  await searchForm().getByRole('button', { name: 'Search' }).click();
}

describe('[issue-15] search over conversations', () => {
  it('finds a conversation by a word of its text and by the customer number, showing it masked', async () => {
    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', 'My umbrella arrived broken');
    await searchBy('Words in messages', 'umbrella');
    await expect.poll(() => hits().count(), eventually).toBe(1);
    const shown = await hits().first().getByTestId('search-hit-phone').textContent();
    expect(shown).not.toContain('5551234');
    expect(shown).toMatch(/\*/);

    await searchBy('Customer number', '+1 650 555 1234');
    await expect.poll(() => hits().count(), eventually).toBe(1);
    expect(await hits().first().textContent()).not.toContain('5551234');

    // A hit opens its transcript, masked, with the export links (a supervisor may export).
    await hits().first().getByTestId('search-hit-open').click();
    const dialog = supervisor.getByTestId('transcript-dialog');
    await dialog.getByText('My umbrella arrived broken').waitFor(eventually);
    expect(await dialog.textContent()).not.toContain('5551234');
    const print = dialog.getByTestId('transcript-print');
    expect(await print.getAttribute('href')).toMatch(/\/export\?format=html/);
    const [view] = await Promise.all([supervisor.context().waitForEvent('page'), print.click()]);
    await view.getByText('My umbrella arrived broken').waitFor(eventually);
    expect(await view.content()).not.toContain('5551234');
    await view.close();
    await dialog.getByRole('button', { name: 'Close' }).click();

    await searchBy('Words in messages', 'nothinglikethis');
    await supervisor.getByText('No conversation matches.').waitFor(eventually);
  });
});
