import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  acceptContactRequest,
  chooseAgentState,
  customerWrites,
  screenshotsDir,
  signIn,
  startStack,
  type Stack,
} from './harness.ts';

/**
 * Media as people use it (issue 4): the customer sends a picture and a voice note from the
 * simulator's phone page; the agent sees the picture and can play the voice note; the customer's
 * reaction shows on the agent's bubble; the agent attaches a document, which reaches the phone.
 */
let stack: Stack;
let agent: Page;
let phone: Page;

beforeAll(async () => {
  stack = await startStack({ env: { MEDIA_POLL_MS: '50' } });
  agent = await stack.newPage();
  phone = await stack.newPage();
  await signIn(agent, stack.parloUrl, 'anna');
});
afterAll(async () => {
  await stack?.stop();
});

/** The customer sends a non-text message with the phone page's "Send as" menu. */
async function customerSends(kind: string, caption = ''): Promise<void> {
  await phone.getByLabel('Send as').selectOption(kind);
  await phone.getByLabel('Message', { exact: true }).fill(caption);
  await phone.getByRole('button', { name: 'Send', exact: true }).click();
}

const inbound = (page: Page) => page.locator('[data-testid="bubble"][data-direction="inbound"]');

describe('media between the customer and the agent', () => {
  it('[S-6] a picture from the customer is shown to the agent, loaded from Parlo', async () => {
    await chooseAgentState(agent, 'available');
    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', 'Hi, here is the damaged box');
    await acceptContactRequest(agent);
    await customerSends('image', 'the corner is broken');
    const image = agent.getByTestId('media-image');
    await image.waitFor();
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
    expect(await image.getAttribute('src')).toMatch(/^\/api\/media\/med_/);
    expect(await inbound(agent).filter({ has: image }).textContent()).toContain('the corner is broken');
  });

  it('[S-6] a voice note from the customer is playable: its audio loads and has a duration', async () => {
    await customerSends('voice');
    const audio = agent.getByTestId('media-audio');
    await audio.waitFor();
    expect(await audio.getAttribute('aria-label')).toBe('Voice note');
    // preload="metadata": the browser fetches the file from Parlo and decodes its header.
    await expect
      .poll(() => audio.evaluate((el: HTMLAudioElement) => el.error?.code ?? el.readyState), {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(1);
    expect(await audio.evaluate((el: HTMLAudioElement) => el.error)).toBeNull();
    const duration = await audio.evaluate((el: HTMLAudioElement) => el.duration);
    expect(duration).toBeGreaterThan(0.5);
    expect(duration).toBeLessThan(5);
  });

  it("[S-6] the customer reacts to the agent's message: the reaction shows on that bubble", async () => {
    await agent.getByLabel('Message', { exact: true }).fill('We will send a new one today');
    await agent.getByLabel('Message', { exact: true }).press('Enter');
    const business = phone.getByTestId('phone-message').filter({ hasText: 'We will send a new one today' });
    await business.waitFor();
    await business.getByRole('button', { name: 'React with thumbs up' }).click();
    const outbound = agent
      .locator('[data-testid="bubble"][data-direction="outbound"]')
      .filter({ hasText: 'We will send a new one today' });
    await expect.poll(() => outbound.getByTestId('reactions').textContent()).toBe('👍');
    // Not a bubble of its own.
    expect(await agent.getByText('Reacted 👍 to a message').count()).toBe(0);
  });

  it("[issue-4] the agent attaches a document as a reply; it reaches the customer's phone", async () => {
    await inbound(agent)
      .filter({ hasText: 'the corner is broken' })
      .getByRole('button', { name: 'Reply' })
      .click();
    await agent.getByTestId('reply-preview').waitFor();
    await agent.getByLabel('Attachment', { exact: true }).setInputFiles({
      name: 'return-label.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% return label\n%%EOF\n'),
    });
    const link = agent.getByRole('link', { name: 'Download return-label.pdf' });
    await link.waitFor();
    // The composer clears the quoted message once the send is answered: wait for it, do not race it.
    await agent.getByTestId('reply-preview').waitFor({ state: 'detached' });
    const outbound = agent.locator('[data-testid="bubble"][data-direction="outbound"]').filter({ has: link });
    expect(await outbound.getByTestId('quote').textContent()).toContain('the corner is broken');
    // The customer's phone gets it, as a document.
    await phone.getByTestId('phone-message').filter({ hasText: '[document]' }).waitFor();
    mkdirSync(screenshotsDir, { recursive: true });
    await agent.screenshot({ path: join(screenshotsDir, 'media-conversation.png') });
  });
});
