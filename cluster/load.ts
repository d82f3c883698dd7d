/**
 * Load for the fault tests: customers writing (webhooks through the balancer), and agents that
 * behave like people at a desktop — accept most offers after a moment (some are left to lapse, so
 * offer timers fire), answer a few times, end and wrap up, and go Available again after a RONA.
 * Every REST answer is kept, so a test can check that what was acknowledged was kept.
 */
import { randomUUID } from 'node:crypto';
import { signPayload } from '@parlo/whatsapp';
import { inboundTextPayload } from '../apps/server/src/testing/index.ts';
import type { RestAnswer } from './clients.ts';
import { DEMO_NUMBER, letters, type Cluster, type TestAgent } from './harness.ts';
import { sleep } from './processes.ts';

/** A reply an agent asked to send, and whether a node acknowledged it (200: committed). */
export interface AgentSend {
  readonly agent: string;
  readonly conversationId: string;
  readonly text: string;
  readonly clientMessageId: string;
  acknowledged: boolean;
}

/** Stops a running load and resolves when its loops have ended. */
export interface RunningLoad {
  stop(): Promise<void>;
}

/** Customers write one message every `everyMs`, taking turns; each text is unique (letters only). */
export function customersWrite(
  cluster: Cluster,
  everyMs: number,
  prefix: string,
): RunningLoad & { texts: string[] } {
  const texts: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const customer = cluster.customers[n % cluster.customers.length];
      if (customer) {
        const text = `${prefix} customer says ${letters(n)}`;
        cluster.customerWrites(customer.waId, text);
        texts.push(text);
      }
      await sleep(everyMs);
    }
  })();
  return {
    texts,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** Whether an agent leaves this offer to lapse (about one in five, fixed per offer id). */
function leavesToLapse(offerId: string): boolean {
  let hash = 0;
  for (const char of offerId) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return Math.abs(hash) % 5 === 0;
}

/**
 * Agents working: each tick, an agent accepts the offers on its desktop (all but those left to
 * lapse), sends up to `repliesPerConversation` replies to each active conversation, then ends and
 * wraps it up; back to Available after a lapse put them in RONA. A command that got no answer is
 * retried with the same idempotency key, as the desktop does.
 */
export function agentsWork(
  agents: readonly TestAgent[],
  options: { tickMs?: number; repliesPerConversation?: number; prefix: string; lapses?: boolean },
): RunningLoad & { sends: AgentSend[]; answers: RestAnswer[] } {
  const sends: AgentSend[] = [];
  const answers: RestAnswer[] = [];
  const handledOffers = new Set<string>();
  const pending = new Map<string, AgentSend>();
  const replies = new Map<string, number>();
  let running = true;
  let counter = 0;
  const record = (answer: RestAnswer): RestAnswer => {
    answers.push(answer);
    return answer;
  };

  async function tick(agent: TestAgent): Promise<void> {
    const { desktop, api } = agent;
    if (!desktop.isSynced) return;
    if (desktop.agent?.state.kind === 'rona') record(await api.setAvailable());
    for (const offer of [...desktop.offers.values()]) {
      if (handledOffers.has(offer.id)) continue;
      handledOffers.add(offer.id);
      if (options.lapses !== false && leavesToLapse(offer.id)) continue;
      record(await api.accept(offer.id));
    }
    for (const conversation of [...desktop.conversations.values()]) {
      const key = `${agent.username}/${conversation.id}`;
      if (conversation.phase === 'wrapUp') {
        record(await api.wrapUp(conversation.id));
        continue;
      }
      const unanswered = pending.get(key);
      if (unanswered) {
        const answer = record(await api.send(conversation.id, unanswered.text, unanswered.clientMessageId));
        if (answer.status === 200) {
          unanswered.acknowledged = true;
          pending.delete(key);
          replies.set(key, (replies.get(key) ?? 0) + 1);
        } else if (answer.status >= 400 && answer.status < 500) {
          pending.delete(key);
        }
        continue;
      }
      const sent = replies.get(key) ?? 0;
      if (sent >= (options.repliesPerConversation ?? 3)) {
        if (record(await api.end(conversation.id)).status === 200) record(await api.wrapUp(conversation.id));
        continue;
      }
      const send: AgentSend = {
        agent: agent.username,
        conversationId: conversation.id,
        text: `${options.prefix} ${agent.username} replies ${letters(counter++)}`,
        clientMessageId: randomUUID(),
        acknowledged: false,
      };
      sends.push(send);
      const answer = record(await api.send(conversation.id, send.text, send.clientMessageId));
      if (answer.status === 200) {
        send.acknowledged = true;
        replies.set(key, sent + 1);
      } else if (answer.status === 0 || answer.status >= 500) {
        pending.set(key, send);
      }
    }
  }

  const loops = agents.map(async (agent) => {
    while (running) {
      await tick(agent);
      await sleep(options.tickMs ?? 250);
    }
  });
  return {
    sends,
    answers,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** A webhook as Meta sends it for one customer text, signed with the demo app's secret. */
export function signedTextWebhook(
  waId: string,
  name: string,
  text: string,
): { wamid: string; body: string; signature: string } {
  const wamid = `wamid.cluster${randomUUID().replaceAll('-', '')}`;
  const body = JSON.stringify(inboundTextPayload({ wamid, from: waId, name, text }));
  return { wamid, body, signature: signPayload(body, DEMO_NUMBER.appSecret) };
}

/** Posts a signed webhook to one URL (a node, bypassing the balancer); resolves with the status (0: no answer). */
export async function postWebhook(
  baseUrl: string,
  webhook: { body: string; signature: string },
  timeoutMs = 5_000,
): Promise<number> {
  try {
    const res = await fetch(`${baseUrl}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': webhook.signature },
      body: webhook.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
