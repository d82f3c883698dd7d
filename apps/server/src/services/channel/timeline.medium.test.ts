import { randomUUID } from 'node:crypto';
import { messageResponseSchema } from '@parlo/protocol';
import { describe, expect, it } from 'vitest';
import {
  CUSTOMER,
  inboundTextPayload,
  messagesOf,
  openConversation,
  postWebhook,
  useGraphEnv,
} from '../../testing/index.ts';

/**
 * S-6: the interaction pane shows the conversation in the order it happened. Meta's timestamps have
 * whole seconds, an agent's reply has milliseconds: a customer's message written in the same second
 * as the reply, after it, must not stand above it; one written seconds before and delivered late
 * still goes before it.
 */
describe('[S-6] a customer message stands in the timeline where it happened', () => {
  const e = useGraphEnv(openConversation);

  async function reply(text: string): Promise<{ id: string; sentAt: number }> {
    const res = await e().marco(`/api/conversations/${e().conversationId}/messages`, {
      method: 'POST',
      body: { text, clientMessageId: `cm-${randomUUID()}` },
    });
    expect(res.status).toBe(200);
    const { message } = messageResponseSchema.parse(await res.json());
    return { id: message.id, sentAt: Date.parse(message.sentAt) };
  }

  async function customerWrites(text: string, timestampSeconds: number): Promise<void> {
    const payload = inboundTextPayload({
      wamid: `wamid.${randomUUID()}`,
      from: CUSTOMER,
      text,
      timestamp: timestampSeconds,
    });
    expect((await postWebhook(e().server.url, JSON.stringify(payload))).status).toBe(200);
  }

  it('a message of the same second as the reply, received after it, follows it', async () => {
    const sent = await reply('Yes, it comes in blue.');
    await customerWrites('Great, blue then', Math.floor(sent.sentAt / 1000));
    const texts = (await messagesOf(e())).map((m) => m.text);
    expect(texts.slice(-2)).toEqual(['Yes, it comes in blue.', 'Great, blue then']);
    expect(Date.parse((await messagesOf(e())).at(-1)?.sentAt ?? '')).toBeLessThan(
      (Math.floor(sent.sentAt / 1000) + 1) * 1000,
    );
  });

  it('a message written seconds before the reply, delivered late, goes before it', async () => {
    const sent = await reply('Anything else?');
    await customerWrites('And in green?', Math.floor(sent.sentAt / 1000) - 3);
    const texts = (await messagesOf(e())).map((m) => m.text);
    expect(texts.indexOf('And in green?')).toBeGreaterThanOrEqual(0);
    expect(texts.indexOf('And in green?')).toBeLessThan(texts.indexOf('Anything else?'));
  });
});
