import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  acceptContactRequest,
  chooseAgentState,
  customerWrites,
  eventually,
  signIn,
  startStack,
  type Stack,
} from './harness.ts';

/**
 * Issue 15 as an agent meets it: a conversation of 10,000 messages opens at its newest page, with
 * only the bubbles in view in the DOM; scrolling up fetches older pages; live messages still land
 * at the bottom.
 */
let stack: Stack;
let agent: Page;
let phone: Page;

const SEEDED = 10_000;

beforeAll(async () => {
  stack = await startStack();
  agent = await stack.newPage();
  phone = await stack.newPage();
  await signIn(agent, stack.parloUrl, 'anna');
});
afterAll(async () => {
  await stack?.stop();
});

/** Elements in the interaction pane: what the browser lays out for the open conversation. */
function paneNodeCount(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelector('.interaction-pane')?.querySelectorAll('*').length ?? 0);
}

/** Scrolls the transcript to its top, as an agent reading back would. */
function scrollTranscriptToTop(page: Page): Promise<void> {
  return page.evaluate(() => {
    const list = document.querySelector('.message-list');
    if (list) list.scrollTop = 0;
  });
}

/** The lowest number of a seeded message whose bubble is in the DOM (Infinity: none). */
async function oldestSeededInView(page: Page): Promise<number> {
  const texts = await page.getByTestId('bubble').allTextContents();
  return Math.min(...texts.map((t) => Number(/Seeded message (\d+)\./.exec(t)?.[1] ?? Infinity)));
}

describe('[issue-15] transcript paging and a virtualized message list', () => {
  it('a conversation of 10,000 messages opens at its newest page with fewer than 1,500 DOM nodes', async () => {
    await chooseAgentState(agent, 'available');
    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', 'Newest question');
    await acceptContactRequest(agent);
    const conversationId = await agent.locator('.interaction-pane').getAttribute('data-conversation-id');
    if (!conversationId) throw new Error('no conversation open');

    // Seeded straight into the database in one transaction: older than the live message.
    const start = Date.now() - 2 * 86_400_000;
    await stack.parlo.store.transaction(async (tx) => {
      for (let i = 0; i < SEEDED; i++) {
        const row = {
          id: `seed-${String(i).padStart(5, '0')}`,
          conversationId,
          kind: 'text',
          text: `Seeded message ${i}.`,
          sentAt: start + i * 1_000,
          createdAt: start + i * 1_000,
          failureReason: null,
        } as const;
        if (i % 2 === 0)
          await tx.insertInboundMessage({
            ...row,
            direction: 'inbound',
            wamid: `wamid.seed.${i}`,
            authorName: 'Sheena Nelson',
            authorUserId: null,
            status: null,
            clientMessageId: null,
          });
        else
          await tx.insertOutboundMessage({
            ...row,
            direction: 'outbound',
            wamid: `wamid.seed.${i}`,
            authorName: 'Anna Rossi',
            authorUserId: 'usr_anna',
            status: 'read',
            clientMessageId: `seed-client-${i}`,
          });
      }
    });

    await agent.reload();
    await agent.getByTestId('bubble').filter({ hasText: 'Newest question' }).waitFor(eventually);
    await agent
      .getByTestId('bubble')
      .filter({ hasText: `Seeded message ${SEEDED - 1}` })
      .waitFor();
    // The newest page is there, the first message is not, and the pane stays small.
    expect(await agent.getByTestId('bubble').filter({ hasText: 'Seeded message 0' }).count()).toBe(0);
    expect(await paneNodeCount(agent)).toBeLessThan(1_500);
    // Status ticks survive the virtualization.
    expect(await agent.locator('[data-direction="outbound"]').count()).toBeGreaterThan(0);
  });

  it('scrolling up fetches older pages and keeps the DOM small', async () => {
    // The newest page holds 100 messages (seeded 9,901 and later): reading back two pages more
    // brings bubbles from before 9,801 into view, each page fetched as the top comes near.
    for (let i = 0; i < 40 && (await oldestSeededInView(agent)) >= SEEDED - 200; i++) {
      await scrollTranscriptToTop(agent);
      await agent.waitForTimeout(250);
    }
    expect(await oldestSeededInView(agent)).toBeLessThan(SEEDED - 200);
    expect(await paneNodeCount(agent)).toBeLessThan(1_500);
  });

  it('a live message still lands at the bottom', async () => {
    await customerWrites(phone, stack.simUrl, 'Sheena Nelson', 'One more thing');
    await agent.getByTestId('bubble').filter({ hasText: 'One more thing' }).waitFor(eventually);
    expect(await paneNodeCount(agent)).toBeLessThan(1_500);
  });
});
