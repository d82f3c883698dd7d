import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { customerExportSchema, privacyRoutes, retentionResponseSchema } from '@parlo/protocol';
import { apiAs, customerWrites, eventually, signInAdmin, startStack, type Stack } from './harness.ts';

/**
 * Issue 17 in the admin console (Chromium, under the desktop's CSP): the administrator sets a
 * retention period, finds a customer by number, downloads their data export, and is told the erase
 * must wait while the customer's conversation is live.
 */
let stack: Stack;
let admin: Page;
const TEXT = 'Please send me everything you hold about me';

beforeAll(async () => {
  stack = await startStack();
  admin = await stack.newPage();
  await signInAdmin(admin, stack.parloUrl, 'admin', 'Data protection');
});
afterAll(async () => {
  await stack?.stop();
});

describe('[issue-17] data protection in the admin console', () => {
  it('[issue-17] the administrator sets how long messages are kept', async () => {
    await admin.getByLabel('Messages and media files (days, at least 7)').fill('30');
    await admin.getByRole('button', { name: 'Save retention' }).click();
    await admin.getByText('Saved.').waitFor(eventually);
    const { json } = await apiAs(stack, 'admin', 'GET', privacyRoutes.retention);
    expect(retentionResponseSchema.parse(json).retention.messagesDays).toBe(30);
  });

  it('[issue-17] finds a customer, downloads their export, and is refused the erase while they are live', async () => {
    const phone = await stack.newPage();
    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', TEXT);
    await admin.getByLabel('Number or user id').fill('16505551234');
    await expect
      .poll(async () => {
        await admin.getByRole('button', { name: 'Find' }).click();
        return admin
          .getByTestId('privacy-customers')
          .textContent({ timeout: 2000 })
          .catch(() => '');
      }, eventually)
      .toContain('1 not closed');

    const download = admin.waitForEvent('download');
    await admin.getByRole('button', { name: 'Export (JSON)' }).click();
    const file = await (await download).path();
    const exported = customerExportSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(exported.customer.name).toBe('Sheena Nelson');
    expect(exported.conversations.flatMap((c) => c.messages.map((m) => m.text))).toContain(TEXT);

    admin.once('dialog', (dialog) => void dialog.accept());
    await admin.getByRole('button', { name: 'Erase…' }).click();
    await admin
      .getByText('This customer still has a conversation that is not closed: end it and wrap it up first.', {
        exact: false,
      })
      .waitFor(eventually);
    await phone.close();
  });
});
