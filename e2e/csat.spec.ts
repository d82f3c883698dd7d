import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  acceptContactRequest,
  chooseAgentState,
  customerWrites,
  endConversation,
  eventually,
  offerPopover,
  signIn,
  signInAdmin,
  startStack,
  submitWrapUp,
  type Stack,
} from './harness.ts';

/**
 * Issue 18's CSAT, as people see it: the administrator turns the survey on in the console; an
 * agent wraps a conversation up; the customer's phone shows the question with its three faces and
 * the customer taps one; the agent's history shows the recorded score (ADR 28).
 */
let stack: Stack;
let admin: Page;
let agent: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack();
  [admin, agent, phone] = await Promise.all([stack.newPage(), stack.newPage(), stack.newPage()]);
});

afterAll(async () => {
  await stack?.stop();
});

describe('[issue-18] CSAT after wrap-up', () => {
  it('the administrator turns it on; the phone taps a face; the desktop history shows the score', async () => {
    await signInAdmin(admin, stack.parloUrl, 'admin', 'CSAT');
    const section = admin.getByTestId('csat-settings');
    await section.getByRole('switch', { name: 'Ask customers for a rating after wrap-up' }).check();
    await section.getByLabel('Question (English)').fill('How did we do today?');
    await section.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => admin.getByTestId('csat-status').textContent(), eventually).toBe('Saved.');

    await signIn(agent, stack.parloUrl, 'anna');
    await chooseAgentState(agent, 'available');
    await customerWrites(phone, stack.simUrl, 'Ravi Kumar', 'My parcel never arrived');
    await offerPopover(agent).waitFor(eventually);
    await acceptContactRequest(agent);
    await endConversation(agent);
    await submitWrapUp(agent);

    // The survey reaches the phone as WhatsApp's reply buttons; the customer taps the happy face.
    const question = phone
      .getByTestId('phone-message')
      .filter({ hasText: 'How did we do today?' })
      .filter({ has: phone.getByTestId('phone-choice') });
    await question.waitFor(eventually);
    expect(await question.getByTestId('phone-choice').allTextContents()).toEqual(['😞', '😐', '😀']);
    await question.getByRole('button', { name: '😀' }).click();
    // The thank-you comes back.
    await phone
      .getByTestId('phone-message')
      .filter({ hasText: 'Thank you for your feedback!' })
      .waitFor(eventually);

    // The agent's recent conversations: the transcript shows the question and the recorded answer.
    await agent.reload();
    await agent.getByText('Recent conversations').click();
    await agent.getByTestId('recent-item').first().click();
    const transcript = agent.getByTestId('transcript-dialog');
    await transcript.waitFor(eventually);
    await expect
      .poll(() => transcript.getByTestId('history-csat').textContent(), eventually)
      .toContain('CSAT 5/5');
    // The messages come with the transcript's own fetch, after the entry the list already held.
    await expect.poll(() => transcript.textContent(), eventually).toContain('How did we do today?');
  });
});
