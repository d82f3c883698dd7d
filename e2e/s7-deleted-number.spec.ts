import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_NUMBER } from '@parlo/server';
import {
  endConversation,
  acceptContactRequest,
  artifactsDir,
  chooseAgentState,
  customerWrites,
  signIn,
  signInAdmin,
  startStack,
  submitWrapUp,
  type Stack,
} from './harness.ts';

/**
 * S-7: an administrator deletes the business number a live conversation came in on. The agent
 * sees a warning on that conversation, cannot write, transfer or conference any more, and can
 * only End it and wrap up. Later messages from the customer are kept for administrators.
 */
let stack: Stack;
let agent: Page;
let admin: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack();
  [agent, admin, phone] = [await stack.newPage(), await stack.newPage(), await stack.newPage()];
  await signIn(agent, stack.parloUrl, 'anna');
  await signInAdmin(admin, stack.parloUrl, 'admin', 'Business numbers');
});
afterAll(async () => {
  await stack?.stop();
});

const composer = () => agent.getByLabel('Message', { exact: true });
const warning = () => agent.getByRole('alert').filter({ hasText: 'This conversation was stopped' });

describe('[S-7] the business number of a live conversation is deleted', () => {
  it('an agent is mid-conversation with a customer on the demo number', async () => {
    await chooseAgentState(agent, 'available');
    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', 'Is my order on its way?');
    await acceptContactRequest(agent);
    await composer().fill('Let me check.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await phone.getByTestId('phone-message').filter({ hasText: 'Let me check.' }).waitFor();
    expect(await warning().count()).toBe(0);
    expect(await composer().isEnabled()).toBe(true);
  });

  it('the administrator deletes the number in the console; the confirmation warns about live conversations', async () => {
    const numbers = admin.getByRole('table', { name: 'Business numbers' });
    const row = numbers.getByRole('row').filter({ hasText: DEMO_NUMBER.phoneNumberId });
    await row.waitFor();
    await row.getByRole('button', { name: /^Delete / }).click();
    const confirm = admin.getByRole('dialog', { name: /^Delete .*\?$/ });
    expect(await confirm.textContent()).toContain('Live conversations on this number are stopped');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => row.count()).toBe(0);
  });

  it('the agent sees a warning on the conversation saying the number was deleted and only End remains', async () => {
    await warning().waitFor({ timeout: 10_000 });
    const text = (await warning().textContent()) ?? '';
    expect(text).toContain('deleted the business number');
    expect(text).toContain('Only End remains');
    // Issue 18: the task list marks it as stopped too.
    const task = agent.getByTestId('task-item').first();
    expect(await task.getByTestId('task-stopped').textContent()).toBe('Stopped');
    mkdirSync(artifactsDir, { recursive: true });
    await agent.screenshot({ path: join(artifactsDir, 's7-deleted-number.png') });
  });

  it('the composer is disabled; Transfer and Conference too; End is still there', async () => {
    expect(await composer().isDisabled()).toBe(true);
    expect(await composer().getAttribute('placeholder')).toContain('Replies are disabled');
    expect(await agent.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    for (const name of ['Transfer', 'Conference']) {
      const button = agent.getByRole('button', { name, exact: true });
      if ((await button.count()) > 0) expect(await button.isDisabled(), name).toBe(true);
    }
    expect(await agent.getByRole('button', { name: 'End', exact: true }).isEnabled()).toBe(true);
  });

  it('the server refuses a message even if the page tried (no silent send)', async () => {
    const id = await agent.locator('main[data-conversation-id]').getAttribute('data-conversation-id');
    const answer = await agent.request.post(`${stack.parloUrl}/api/conversations/${id}/messages`, {
      data: { text: 'sneaky', clientMessageId: '00000000-0000-4000-8000-000000000007' },
      // As the page itself would send it: the Origin check (issue 17) is not what refuses it.
      headers: { origin: new URL(stack.parloUrl).origin },
    });
    const body = (await answer.json()) as { error: { code: string } };
    expect({ status: answer.status(), code: body.error.code }).toEqual({
      status: 409,
      code: 'CONVERSATION_BLOCKED',
    });
  });

  it('End and wrap-up work: the conversation leaves the desktop', async () => {
    await endConversation(agent);
    await submitWrapUp(agent, 'Resolved');
    await agent.getByText('Select a conversation').waitFor();
    expect(await warning().count()).toBe(0);
  });

  it('a later message from the customer to the deleted number is kept and shown to administrators', async () => {
    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', 'Hello? Anyone there?');
    // The console lists it under the business numbers (masked, as the demo's masking is on).
    const kept = admin.getByRole('region', { name: 'Messages to deleted numbers' });
    await expect
      .poll(
        async () => {
          await kept.getByRole('button', { name: 'Refresh' }).click();
          return kept.getByRole('row').filter({ hasText: 'Hello? Anyone there?' }).count();
        },
        { timeout: 10_000 },
      )
      .toBe(1);
    expect(await kept.textContent()).toContain('Sheena Nelson');
    // No agent is offered it: the number no longer routes anywhere.
    await agent.waitForTimeout(1500);
    expect(await agent.getByRole('dialog', { name: 'Contact request' }).count()).toBe(0);
  });
});
