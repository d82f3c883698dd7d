import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContextOptions, Page } from 'playwright-core';
import {
  chooseAgentState,
  customerWrites,
  eventually,
  offerPopover,
  screenshotsDir,
  signIn,
  startStack,
  submitWrapUp,
  type Stack,
} from './harness.ts';

/**
 * Issue 18, the desktop on every screen: at 390 px nothing overflows and the conversation is
 * readable (the task list is a drawer), dark mode follows the system and the top bar's switch with
 * readable text, End asks first, a paste over 4096 characters says so, and the keyboard shortcuts.
 */
let stack: Stack;
let phone: Page;

beforeAll(async () => {
  stack = await startStack();
  phone = await stack.newPage();
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * Signs `username` in on a page of its own (default: 1280 px, light), runs `test`, then ends any
 * open conversation and goes Idle even if `test` failed, so the next test's offers go to its agent.
 */
async function withAgent(
  username: string,
  options: BrowserContextOptions,
  test: (agent: Page) => Promise<void>,
): Promise<void> {
  const context = await stack.browser.newContext({
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  const agent = await context.newPage();
  try {
    await signIn(agent, stack.parloUrl, username);
    await test(agent);
  } finally {
    await finish(agent).catch((error: unknown) => console.warn('clean-up failed', error));
    await context.close();
  }
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, name) });
}

/** A customer writes; the agent (Available) accepts with the popover's button and the conversation opens. */
async function takeConversation(agent: Page, customer: string, text: string): Promise<void> {
  await customerWrites(phone, stack.simUrl, customer, text);
  await offerPopover(agent).getByRole('button', { name: 'Accept' }).click();
  await offerPopover(agent).waitFor({ state: 'detached' });
  await agent.getByLabel('Message').waitFor();
}

/** Ends the open conversation (answering End's question), wraps up and goes Idle. */
async function finish(agent: Page): Promise<void> {
  await agent.keyboard.press('Escape');
  if ((await agent.getByRole('button', { name: 'End', exact: true }).count()) > 0) {
    await agent.getByRole('button', { name: 'End', exact: true }).click();
    await agent.getByRole('button', { name: 'End conversation' }).click();
    await submitWrapUp(agent);
  } else if ((await agent.getByRole('button', { name: 'Wrap up', exact: true }).count()) > 0) {
    if ((await agent.getByRole('dialog', { name: 'Wrap-up reasons' }).count()) === 0)
      await agent.getByRole('button', { name: 'Wrap up', exact: true }).click();
    await submitWrapUp(agent);
  }
  await expect.poll(() => agent.getByTestId('task-item').count(), eventually).toBe(0);
  await chooseAgentState(agent, 'Break');
}

/** Elements whose right edge lies beyond the viewport, among those a person can see. */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const found: string[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.right > width + 0.5) {
        found.push(`${el.tagName.toLowerCase()}.${String(el.className)} right=${box.right.toFixed(1)}`);
      }
    }
    return found;
  });
}

/**
 * Text a person can read whose contrast with what is behind it is below WCAG AA (4.5:1; 3:1 for
 * large text). Disabled controls (which WCAG exempts) and text over an image are skipped.
 */
function lowContrastText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (value: string): Rgba | null => {
      const m = /rgba?\(([^)]+)\)/.exec(value);
      if (!m?.[1]) return null;
      const [r = 0, g = 0, b = 0, a = 1] = m[1]
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return [r, g, b, a];
    };
    const over = (top: Rgba, below: Rgba): Rgba => {
      const a = top[3];
      return [
        top[0] * a + below[0] * (1 - a),
        top[1] * a + below[1] * (1 - a),
        top[2] * a + below[2] * (1 - a),
        1,
      ];
    };
    const luminance = ([r, g, b]: Rgba): number => {
      const channel = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    /** The opaque colour behind an element, or null when an image or gradient is in the way. */
    const backdrop = (el: Element | null): Rgba | null => {
      const layers: Rgba[] = [];
      for (let node = el; node; node = node.parentElement) {
        const style = getComputedStyle(node);
        if (style.backgroundImage !== 'none') return null;
        const colour = parse(style.backgroundColor);
        if (colour && colour[3] > 0) {
          layers.push(colour);
          if (colour[3] >= 1) break;
        }
      }
      let result: Rgba = [255, 255, 255, 1];
      for (const layer of layers.reverse()) result = over(layer, result);
      return result;
    };
    const found: string[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
      if (!ownText) continue;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      if (style.visibility === 'hidden' || box.width <= 1 || box.height <= 1) continue;
      if (el.closest(':disabled, [aria-disabled="true"]')) continue;
      let faded = false;
      for (let node: Element | null = el; node; node = node.parentElement) {
        if (Number(getComputedStyle(node).opacity) < 1) faded = true;
      }
      if (faded) continue;
      const behind = backdrop(el);
      const colour = parse(style.color);
      if (!behind || !colour) continue;
      const text = over(colour, behind);
      const [a, b] = [luminance(text), luminance(behind)].sort((x, y) => y - x) as [number, number];
      const ratio = (a + 0.05) / (b + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        found.push(
          `${el.tagName.toLowerCase()}.${String(el.className)} "${el.textContent?.trim().slice(0, 30)}" ${ratio.toFixed(2)}`,
        );
      }
    }
    return found;
  });
}

describe('[issue 18] the desktop on every screen', () => {
  it('at 390 px nothing overflows, the conversation pane is >= 300 px, the task list is a drawer', async () => {
    await withAgent('anna', { viewport: { width: 390, height: 844 } }, async (agent) => {
      await chooseAgentState(agent, 'available');
      await takeConversation(agent, 'Sheena Nelson', 'Hello from a phone-sized desktop, does it fit?');
      await agent.locator('[data-testid="bubble"][data-direction="inbound"]').first().waitFor();

      expect(await agent.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(
        true,
      );
      expect(await overflowing(agent)).toEqual([]);
      const pane = await agent.locator('main.interaction-pane').boundingBox();
      expect(pane?.width ?? 0).toBeGreaterThanOrEqual(300);
      // The customer's words lie on lines, not one letter per line.
      const bubble = await agent
        .locator('[data-testid="bubble"][data-direction="inbound"]')
        .first()
        .boundingBox();
      expect(bubble?.width ?? 0).toBeGreaterThan(150);
      await screenshot(agent, 'responsive-390-light.png');

      // The task list is out of the way until asked for, and closes when a conversation is chosen.
      const task = agent.getByTestId('task-item').first();
      expect(await task.isVisible()).toBe(false);
      await agent.getByTestId('open-tasks').click();
      await task.waitFor({ state: 'visible' });
      expect(await overflowing(agent)).toEqual([]);
      await task.click();
      await task.waitFor({ state: 'hidden' });
    });
  });

  it('dark mode follows the system, every text is readable, and the switch overrides it (kept on reload)', async () => {
    await withAgent(
      'marco',
      { viewport: { width: 390, height: 844 }, colorScheme: 'dark' },
      async (agent) => {
        const background = () => agent.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(await background()).toBe('rgb(13, 17, 23)');
        await chooseAgentState(agent, 'available');
        await takeConversation(agent, 'Ravi Kumar', 'Good evening, is the night mode easy on the eyes?');
        await agent.locator('[data-testid="bubble"][data-direction="inbound"]').first().waitFor();
        expect(await overflowing(agent)).toEqual([]);
        expect(await lowContrastText(agent)).toEqual([]);
        await screenshot(agent, 'responsive-390-dark.png');

        const toggle = agent.getByTestId('theme-toggle');
        expect(await toggle.getAttribute('aria-checked')).toBe('true');
        await toggle.click();
        expect(await background()).toBe('rgb(243, 245, 248)');
        await agent.reload();
        await agent.getByLabel('Agent state').waitFor();
        expect(await background()).toBe('rgb(243, 245, 248)');
        // Back to what the system shows: the desktop follows the system again (nothing stored).
        await agent.getByTestId('theme-toggle').click();
        expect(await background()).toBe('rgb(13, 17, 23)');
        expect(await agent.evaluate(() => localStorage.getItem('parlo.theme'))).toBeNull();
      },
    );
  });

  it('at 1280 px in dark mode the desktop, an offer and the End question are readable', async () => {
    await withAgent('giulia', { colorScheme: 'dark' }, async (agent) => {
      await chooseAgentState(agent, 'available');
      await customerWrites(phone, stack.simUrl, 'Amelia Clarke', 'Hello, a question in the evening.');
      await offerPopover(agent).waitFor();
      expect(await lowContrastText(agent)).toEqual([]);
      // Alt+A accepts the (oldest) contact request.
      await agent.keyboard.press('Alt+KeyA');
      await offerPopover(agent).waitFor({ state: 'detached' });
      await agent.getByLabel('Message').waitFor();
      await agent.getByLabel('Message').fill('Of course, how can I help?');
      await agent.getByLabel('Message').press('Enter');
      await agent.locator('[data-testid="bubble"][data-direction="outbound"]').first().waitFor();
      expect(await lowContrastText(agent)).toEqual([]);
      await screenshot(agent, 'responsive-1280-dark.png');
      await agent.getByRole('button', { name: 'End', exact: true }).click();
      await agent.getByRole('alertdialog', { name: 'End the conversation?' }).waitFor();
      expect(await lowContrastText(agent)).toEqual([]);
      await agent.getByRole('button', { name: 'Cancel' }).click();
    });
  });

  it('End asks first: Cancel keeps the conversation, End conversation ends it and opens the wrap-up', async () => {
    await withAgent('anna', {}, async (agent) => {
      await chooseAgentState(agent, 'available');
      await takeConversation(agent, 'Sheena Nelson', 'Please do not hang up on me');
      const question = agent.getByRole('alertdialog', { name: 'End the conversation?' });

      await agent.getByRole('button', { name: 'End', exact: true }).click();
      await question.waitFor();
      expect(await question.textContent()).toContain('Sheena Nelson');
      await question.getByRole('button', { name: 'Cancel' }).click();
      await question.waitFor({ state: 'detached' });
      expect(await agent.getByRole('dialog', { name: 'Wrap-up reasons' }).count()).toBe(0);
      expect(await agent.getByTestId('task-item').first().getAttribute('data-phase')).toBe('active');

      // Alt+E asks the same question; Escape keeps the conversation too.
      await agent.keyboard.press('Alt+KeyE');
      await question.waitFor();
      await agent.keyboard.press('Escape');
      await question.waitFor({ state: 'detached' });
      expect(await agent.getByTestId('task-item').first().getAttribute('data-phase')).toBe('active');

      await agent.getByRole('button', { name: 'End', exact: true }).click();
      await question.getByRole('button', { name: 'End conversation' }).click();
      await submitWrapUp(agent);
      await expect.poll(() => agent.getByTestId('task-item').count(), eventually).toBe(0);
    });
  });

  it('[S-8] pasting over 4096 characters keeps the first 4096 and says so', async () => {
    await withAgent('anna', {}, async (agent) => {
      await chooseAgentState(agent, 'available');
      await takeConversation(agent, 'Ravi Kumar', 'Here comes a very long paste');
      const composer = agent.getByLabel('Message');
      await composer.fill('Hi ');
      await composer.evaluate((el) => {
        const data = new DataTransfer();
        data.setData('text/plain', 'z'.repeat(5000));
        el.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
        );
      });
      await expect.poll(() => composer.inputValue()).toBe(`Hi ${'z'.repeat(4093)}`);
      const warning = agent.getByTestId('paste-cut');
      expect(await warning.getAttribute('role')).toBe('alert');
      expect(await warning.textContent()).toBe(
        'Only the first 4096 characters were pasted: a message holds at most 4096 and the pasted text had 5000.',
      );
      // Sending clears the warning.
      await composer.press('Enter');
      await warning.waitFor({ state: 'detached' });
    });
  });

  it('? shows the keyboard shortcuts; Escape hides them', async () => {
    await withAgent('marco', {}, async (agent) => {
      await agent.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await agent.keyboard.press('Shift+Slash');
      const help = agent.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await help.waitFor();
      const text = (await help.textContent()) ?? '';
      for (const line of ['Accept the contact request', 'Next conversation', 'End the conversation', '?'])
        expect(text).toContain(line);
      await agent.keyboard.press('Escape');
      await help.waitFor({ state: 'detached' });
    });
  });
});
