import { errorBodySchema } from '@parlo/protocol';
import { signPayload } from '@parlo/whatsapp';
import { describe, expect, it } from 'vitest';
import { DEMO_NUMBER } from '../seed/index.ts';
import { inboundTextPayload, postWebhook, useTestServer } from '../testing/index.ts';

const server = useTestServer();

const MB = 1024 * 1024;

/**
 * POSTs `size` bytes to the webhook as one buffer (with Content-Length) or as a stream (chunked,
 * no length: the server learns the size only while reading); returns the status and error code
 * read, or the error the sender got instead.
 */
async function send(size: number, streamed: boolean): Promise<string> {
  const body = Buffer.alloc(size, 0x20);
  const headers = {
    'content-type': 'application/json',
    'x-hub-signature-256': signPayload(body.toString(), DEMO_NUMBER.appSecret),
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < size; at += 64 * 1024) controller.enqueue(body.subarray(at, at + 64 * 1024));
      controller.close();
    },
  });
  try {
    const res = await fetch(`${server().url}/webhooks/whatsapp`, {
      method: 'POST',
      headers,
      ...(streamed ? { body: stream, duplex: 'half' } : { body }),
    });
    return `${res.status} ${errorBodySchema.parse(await res.json()).error.code}`;
  } catch (err) {
    return `no answer: ${String((err as Error).cause ?? err)}`;
  }
}

describe('an oversized webhook', () => {
  it.each([
    ['4 MB with its length', 4 * MB, false],
    ['4 MB streamed', 4 * MB, true],
    ['16 MB streamed', 16 * MB, true],
    ['50 MB with its length', 50 * MB, false],
  ] as const)(
    '[issue-13] a sender of %s reads 413 PAYLOAD_TOO_LARGE (not EPIPE)',
    async (_name, size, streamed) => {
      expect(await send(size, streamed)).toBe('413 PAYLOAD_TOO_LARGE');
    },
  );

  it('[issue-13] a webhook of Meta size is still taken after oversized ones', async () => {
    const res = await postWebhook(
      server().url,
      JSON.stringify(inboundTextPayload({ wamid: 'wamid.after413' })),
    );
    expect(res.status).toBe(200);
  });
});
