import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One webhook POST as the receiver got it. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  json: unknown;
}

/**
 * A tiny webhook target for tests (plain node:http, so the bytes are exactly what arrived). Answers
 * each POST with `nextStatus()` (default 200).
 */
export class TestReceiver {
  readonly received: ReceivedWebhook[] = [];
  nextStatus: () => number = () => 200;
  #server: Server | undefined;
  url = '';

  async start(): Promise<string> {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const rawBody = Buffer.concat(chunks);
        const status = this.nextStatus();
        this.received.push({
          headers: request.headers,
          rawBody,
          json: JSON.parse(rawBody.toString('utf8')) as unknown,
        });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/webhooks/whatsapp`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

/** Polls until `check` returns a value other than undefined (or times out). */
export async function waitFor<T>(check: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
