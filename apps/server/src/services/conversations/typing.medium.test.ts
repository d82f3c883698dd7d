import { templateRoutes, markReadResponseSchema } from '@parlo/protocol';
import { describe, expect, it } from 'vitest';
import { CUSTOMER, openConversation, reads, until, useGraphEnv } from '../../testing/index.ts';

/**
 * Issue 14: while the agent types, the customer sees WhatsApp's typing indicator — Meta's mark-as-read
 * call with `typing_indicator: { type: "text" }` on their latest message
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/typing-indicators/),
 * which lasts 25 s or until the reply: at most one per conversation per 20 s however fast the agent
 * types. The simulator records each indicator it is asked for.
 */

const e = useGraphEnv(openConversation);

async function typing(): Promise<boolean> {
  const res = await e().marco(templateRoutes.typing(e().conversationId), { method: 'POST' });
  expect(res.status).toBe(200);
  return markReadResponseSchema.parse(await res.json()).queued;
}

describe('[issue-14] typing indicator', () => {
  it('keystrokes within 20 s send one typing indicator on the latest customer message', async () => {
    const results: boolean[] = [];
    for (let i = 0; i < 10; i++) results.push(await typing());
    expect(results.filter(Boolean)).toHaveLength(1);
    e().server.parlo.outbox.kick();
    const shown = await until(
      () => Promise.resolve(e().sim.typingIndicators({ id: CUSTOMER })[0]),
      'the typing indicator at the simulator',
    );
    expect(e().sim.typingIndicators({ id: CUSTOMER })).toHaveLength(1);
    const call = reads(e()).find((c) => c.body?.typing_indicator !== undefined);
    expect(call?.body).toMatchObject({
      status: 'read',
      message_id: shown.messageId,
      typing_indicator: { type: 'text' },
    });
  });
});
