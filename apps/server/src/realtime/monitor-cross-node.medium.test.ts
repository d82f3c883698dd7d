import {
  monitorFrameSchema,
  supervisionRoutes,
  wallboardRoutes,
  wallboardSchema,
  type MonitorFrame,
  type Wallboard,
} from '@parlo/protocol';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import {
  eventually,
  inboundTextPayload,
  openDesktop,
  sessionCookie,
  postWebhook,
  signedIn,
  useTwoNodes,
} from '../testing/index.ts';

const { node } = useTwoNodes('monitor-cross-node');

/** A supervisor's monitor socket on a node, keeping every frame. */
async function openMonitor(url: string, username: string, conversationId: string) {
  const cookie = await sessionCookie(url, username);
  const socket = new WebSocket(
    `${url.replace('http', 'ws')}${supervisionRoutes.monitorSocket(conversationId)}`,
    {
      headers: { cookie },
      origin: url,
    },
  );
  const frames: MonitorFrame[] = [];
  socket.on('message', (data: Buffer) =>
    frames.push(monitorFrameSchema.parse(JSON.parse(data.toString('utf8')))),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return Object.assign(socket, { frames });
}

const seen = (frames: readonly MonitorFrame[], text: string): true | undefined => {
  const last = frames.at(-1);
  return last?.type === 'monitor' && last.view.messages.some((m) => m.text === text) ? true : undefined;
};

describe('cluster mode: monitors across nodes (issue 16, ADR 23)', () => {
  it('[cluster] a monitor held by one node sees messages and whispers committed on the other', async () => {
    const first = JSON.stringify(inboundTextPayload({ wamid: 'wamid.monitor-1', text: 'First, on node 1' }));
    expect((await postWebhook(node(0).url, first)).status).toBe(200);
    const state = await node(0).parlo.store.transaction((tx) => tx.routing.read());
    const conversation = Object.values(state.conversations).find((c) => c.phase.kind !== 'closed');
    if (!conversation) throw new Error('no live conversation');

    const monitor = await openMonitor(node(1).url, 'sofia', conversation.id);
    try {
      expect(await eventually(() => seen(monitor.frames, 'First, on node 1'))).toBe(true);
      const next = JSON.stringify(
        inboundTextPayload({ wamid: 'wamid.monitor-2', text: 'Second, on node 1' }),
      );
      expect((await postWebhook(node(0).url, next)).status).toBe(200);
      expect(await eventually(() => seen(monitor.frames, 'Second, on node 1'))).toBe(true);

      const admin = await signedIn(node(0).url, 'admin');
      const whispered = await admin(supervisionRoutes.whisper(conversation.id), {
        method: 'POST',
        body: { text: 'Whisper from node 1', clientMessageId: 'cross-whisper-1' },
      });
      expect(whispered.status).toBe(200);
      expect(await eventually(() => seen(monitor.frames, 'Whisper from node 1'))).toBe(true);
    } finally {
      monitor.close();
    }
  });

  it('[cluster] an agent signed out on one node loses the desktop held by the other', async () => {
    const desktop = await openDesktop(node(1).url, 'giulia');
    const closed = new Promise<number>((resolve) => desktop.once('close', (code) => resolve(code)));
    const sofia = await signedIn(node(0).url, 'sofia');
    const res = await sofia(supervisionRoutes.signOutAgent('usr_giulia'), { method: 'POST', body: {} });
    expect(res.status).toBe(204);
    expect(await closed).toBe(4001);
  });
});

describe('cluster mode: the wallboard across nodes (issue 16, ADR 25)', () => {
  it('[cluster] a wallboard held by one node counts what the other committed, within a second', async () => {
    const cookie = await sessionCookie(node(1).url, 'sofia');
    const socket = new WebSocket(`${node(1).url.replace('http', 'ws')}${wallboardRoutes.socket}`, {
      headers: { cookie },
      origin: node(1).url,
    });
    const boards: Wallboard[] = [];
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as { wallboard: unknown };
      boards.push(wallboardSchema.parse(frame.wallboard));
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    try {
      const offered = (b: Wallboard | undefined) => b?.total.offered;
      const before = await eventually(() => offered(boards.at(-1)));
      if (before === undefined) throw new Error('no wallboard');
      // A new customer of node 0's: a new conversation, offered to the center.
      const payload = JSON.stringify(
        inboundTextPayload({ wamid: 'wamid.wallboard-1', from: '393330000001', text: 'Wallboard, node 0' }),
      );
      expect((await postWebhook(node(0).url, payload)).status).toBe(200);
      expect(await eventually(() => (offered(boards.at(-1)) === before + 1 ? true : undefined))).toBe(true);
    } finally {
      socket.close();
    }
  });
});
