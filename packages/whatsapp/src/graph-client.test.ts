import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GraphClient } from './graph-client.ts';
import { classifyGraphError, GraphApiError } from './graph-error.ts';

interface Call {
  url: string;
  init: RequestInit | undefined;
}

function fakeFetch(respond: (call: Call) => Response | Promise<Response>): {
  fetch: typeof fetch;
  calls: Call[];
} {
  const calls: Call[] = [];
  const fn = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const call = { url: input instanceof Request ? input.url : input.toString(), init };
    calls.push(call);
    return Promise.resolve(respond(call));
  };
  return { fetch: fn, calls };
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('GraphClient', () => {
  it('posts a send to {base}/{version}/{phone_number_id}/messages with the bearer token', async () => {
    const { fetch, calls } = fakeFetch(() =>
      json(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: '+1650', wa_id: '1650' }],
        messages: [{ id: 'wamid.X' }],
      }),
    );
    const client = new GraphClient({ baseUrl: 'https://graph.example/', apiVersion: 'v25.0', fetch });
    const result = await client.sendMessage('123', 'tok', {
      to: '+1650',
      type: 'text',
      text: { body: 'hi' },
    });
    expect(result).toEqual({ wamid: 'wamid.X', waId: '1650' });
    const [call] = calls;
    expect(call?.url).toBe('https://graph.example/v25.0/123/messages');
    expect(call?.init?.method).toBe('POST');
    expect(new Headers(call?.init?.headers).get('authorization')).toBe('Bearer tok');
    expect(JSON.parse(call?.init?.body as string)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+1650',
      type: 'text',
      text: { body: 'hi' },
    });
  });

  it('turns a Meta error body into a GraphApiError with its fields', async () => {
    const { fetch } = fakeFetch(() =>
      json(400, {
        error: {
          message: '(#131047) Re-engagement message',
          type: 'OAuthException',
          code: 131047,
          error_data: { messaging_product: 'whatsapp', details: 'outside the window' },
          fbtrace_id: 'trace',
        },
      }),
    );
    const client = new GraphClient({ baseUrl: 'https://g', apiVersion: 'v25.0', fetch });
    const error = await client.markRead('1', 't', 'w').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({
      kind: 'http',
      httpStatus: 400,
      code: 131047,
      type: 'OAuthException',
      details: 'outside the window',
      fbtraceId: 'trace',
      title: '(#131047) Re-engagement message',
    });
    expect(classifyGraphError(error)).toBe('fail');
  });

  it('reports a non-JSON error page by its status', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    const client = new GraphClient({ baseUrl: 'https://g', apiVersion: 'v25.0', fetch });
    const error = await client.markRead('1', 't', 'w').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', httpStatus: 502, code: undefined });
    expect(classifyGraphError(error)).toBe('retry');
  });

  it('reports a 2xx of the wrong shape as invalid_response (parked: it may have been sent)', async () => {
    const { fetch } = fakeFetch(() => json(200, { messages: [] }));
    const client = new GraphClient({ baseUrl: 'https://g', apiVersion: 'v25.0', fetch });
    const error = await client
      .sendMessage('1', 't', { to: '1', type: 'text', text: { body: 'x' } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid_response', httpStatus: 200 });
    expect(classifyGraphError(error)).toBe('park');
  });

  it('times out a call that takes too long', async () => {
    const hang: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error));
      });
    const client = new GraphClient({ baseUrl: 'https://g', apiVersion: 'v25.0', fetch: hang, timeoutMs: 20 });
    const error = await client.getMedia('m', 't').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout' });
    expect(classifyGraphError(error)).toBe('retry');
  });

  it('reports a connection failure as network', async () => {
    const fail: typeof fetch = () => Promise.reject(new TypeError('fetch failed'));
    const client = new GraphClient({ baseUrl: 'https://g', apiVersion: 'v25.0', fetch: fail });
    await expect(client.getMedia('m', 't')).rejects.toMatchObject({ kind: 'network' });
  });

  it('follows template pages on the same host only', async () => {
    const page = (names: string[], next?: string) =>
      json(200, {
        data: names.map((name) => ({
          name,
          language: 'en',
          status: 'APPROVED',
          category: 'UTILITY',
          components: [],
        })),
        ...(next === undefined ? {} : { paging: { next } }),
      });
    const { fetch, calls } = fakeFetch((call) =>
      call.url.includes('after=2')
        ? page(['c'], 'https://evil.example/v25.0/w/message_templates?after=3')
        : page(['a', 'b'], 'https://g/v25.0/w/message_templates?after=2'),
    );
    const client = new GraphClient({ baseUrl: 'https://g', apiVersion: 'v25.0', fetch });
    const templates = await client.listTemplates('w', 't');
    expect(templates.map((t) => t.name)).toEqual(['a', 'b', 'c']);
    expect(calls.map((c) => c.url)).toEqual([
      'https://g/v25.0/w/message_templates?limit=100',
      'https://g/v25.0/w/message_templates?after=2',
    ]);
  });

  it('uploads media as multipart with messaging_product, type and file', async () => {
    let form: FormData | undefined;
    const { fetch } = fakeFetch((call) => {
      form = call.init?.body as FormData;
      return json(200, { id: '42' });
    });
    const client = new GraphClient({ baseUrl: 'https://g', apiVersion: 'v25.0', fetch });
    await expect(
      client.uploadMedia('1', 't', {
        data: Buffer.from('abc'),
        mimeType: 'application/pdf',
        filename: 'a.pdf',
      }),
    ).resolves.toEqual({ id: '42' });
    expect(form?.get('messaging_product')).toBe('whatsapp');
    expect(form?.get('type')).toBe('application/pdf');
    const file = form?.get('file');
    expect(file instanceof Blob && file.size).toBe(3);
  });

  it('[business-scoped-user-ids] returns the user_id Meta answers for a send to a BSUID', async () => {
    const response = JSON.parse(
      readFileSync(new URL('./fixtures/send-text-to-bsuid.response.json', import.meta.url), 'utf8'),
    ) as unknown;
    const { fetch, calls } = fakeFetch(() => json(200, response));
    const client = new GraphClient({ baseUrl: 'https://graph.example', apiVersion: 'v25.0', fetch });
    const result = await client.sendMessage('123', 'tok', {
      recipient: 'US.13491208655302741918',
      type: 'text',
      text: { body: 'hi' },
    });
    expect(result).toEqual({
      wamid: 'wamid.HBgUVVMuMTM0OTEyMDg2NTUzMDI3NDE5MTgVAgARGBJCU1VJRFNFTkQwMDAwMDAxAA==',
      userId: 'US.13491208655302741918',
    });
    expect(JSON.parse(calls[0]?.init?.body as string)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      recipient: 'US.13491208655302741918',
      type: 'text',
      text: { body: 'hi' },
    });
  });

  it('[typing-indicators] marks read with a typing indicator on the messages endpoint', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { success: true }));
    const client = new GraphClient({ baseUrl: 'https://graph.example', apiVersion: 'v25.0', fetch });
    await client.markReadWithTyping('123', 'tok', 'wamid.IN');
    expect(calls[0]?.url).toBe('https://graph.example/v25.0/123/messages');
    expect(JSON.parse(calls[0]?.init?.body as string)).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.IN',
      typing_indicator: { type: 'text' },
    });
  });
});
