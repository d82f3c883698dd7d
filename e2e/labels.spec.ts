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
 * Issue 18's labels as an administrator and an agent meet them: the administrator creates a
 * colored label in the console; the agent puts it on the conversation she handles from its header;
 * it shows as a chip in her task list, and searching her conversations by that label finds it,
 * with the chip in the result; the Reports page counts it.
 */
let stack: Stack;
let admin: Page;
let agent: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack();
  admin = await stack.newPage();
  agent = await stack.newPage();
  phone = await stack.newPage();
});

afterAll(async () => {
  await stack?.stop();
});

describe('[issue-18] labels on conversations', () => {
  it('an administrator creates a label; the agent sets it; its chip shows in the task list, search by label finds the conversation, Reports counts it', async () => {
    await signInAdmin(admin, stack.parloUrl, 'admin', 'Labels');
    const panel = admin.getByRole('tabpanel', { name: 'Labels' });
    await panel.getByRole('button', { name: 'New label' }).click();
    const form = admin.getByRole('dialog', { name: 'New label' });
    await form.getByLabel('Name').fill('Refund');
    await form.getByLabel('Color').selectOption('red');
    await form.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('label-chip').filter({ hasText: 'Refund' }).waitFor(eventually);
    expect(await panel.getByTestId('label-chip').first().getAttribute('class')).toContain('label-red');

    await signIn(agent, stack.parloUrl, 'anna');
    await chooseAgentState(agent, 'available');
    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', 'I would like my money back');
    await offerPopover(agent).waitFor(eventually);
    await acceptContactRequest(agent);
    const row = agent.getByTestId('task-item').first();
    await row.waitFor(eventually);
    const conversationId = await row.getAttribute('data-conversation-id');
    expect(conversationId).toBeTruthy();

    // The conversation header's picker: every label, a checkbox each.
    await agent.getByTestId('label-picker-open').click();
    await agent.getByTestId('label-picker').getByRole('checkbox', { name: 'Refund' }).check();
    // The chip in the task list row (pushed to the participants, and in the header).
    await row.getByTestId('label-chip').filter({ hasText: 'Refund' }).waitFor(eventually);
    await agent
      .locator('.interaction-header')
      .getByTestId('label-chip')
      .filter({ hasText: 'Refund' })
      .first()
      .waitFor(eventually);

    // Searching her conversations by the label finds this one, chip and all.
    await agent.keyboard.press('Escape');
    await agent.getByTestId('agent-search-open').click();
    const dialog = agent.getByTestId('agent-search-dialog');
    const filter = dialog.getByTestId('search-label');
    await filter.waitFor(eventually);
    await filter.selectOption({ label: 'Refund' });
    await dialog.getByRole('search').getByRole('button', { name: 'Search' }).click();
    const hits = dialog.getByTestId('search-hit');
    await expect.poll(() => hits.count(), eventually).toBe(1);
    expect(await hits.first().getAttribute('data-hit-conversation-id')).toBe(conversationId);
    expect(await hits.first().getByTestId('label-chip').textContent()).toBe('Refund');

    // The Reports page counts it under today in its "Labels" table.
    await admin.getByRole('tab', { name: 'Reports', exact: true }).click();
    const reportRow = admin.getByTestId('labels-report-row').filter({ hasText: 'Refund' });
    await reportRow.waitFor(eventually);
    expect(await reportRow.locator('td.num').textContent()).toBe('1');
  });
});
