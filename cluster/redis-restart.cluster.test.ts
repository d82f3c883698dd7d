/**
 * Issue 12, acceptance 3: Redis restarts mid-run and nothing is lost. Redis pub/sub is at most
 * once: the notices of events committed while it was down are gone, so the nodes must catch their
 * desktops up from the event log once it is back. The test asserts those very events arrive, not
 * only later ones.
 */
import { describe, expect, it } from 'vitest';
import {
  conversationOf,
  desktopsCaughtUp,
  holderOf,
  lastSeqInLog,
  letters,
  lostAckedMessages,
  quiesce,
  routingViolations,
  useCluster,
  type TestAgent,
} from './harness.ts';
import { postWebhook, signedTextWebhook } from './load.ts';
import { sleep, until } from './processes.ts';

const cluster = useCluster({ extraAgents: 3, customers: 20 });

describe('cluster: Redis restarted mid-run', () => {
  it('events committed while Redis was down reach their desktops once it is back', async () => {
    const c = cluster();
    const agents: TestAgent[] = [];
    for (const username of c.agentIds.keys()) agents.push(await c.agent(username));
    for (const agent of agents) expect((await agent.api.setAvailable()).status).toBe(200);
    expect(new Set(agents.map((a) => a.desktop.node)).size).toBeGreaterThan(1);

    // Before: each agent owns a conversation, so a customer's message has a desktop to go to.
    const before = c.customers.slice(0, agents.length);
    for (const [i, customer] of before.entries())
      c.customerWrites(customer.waId, `before the restart ${letters(i)}`);
    const owned = new Map<string, { agent: TestAgent; waId: string; name: string }>();
    for (const customer of before) {
      const conversationId = await until(() => conversationOf(c, customer.waId), 'the conversation');
      const agentId = await until(() => holderOf(c, conversationId), 'the offer');
      const agent = agents.find((a) => a.userId === agentId);
      if (!agent) throw new Error(`unknown agent ${agentId}`);
      const offer = await agent.desktop.waitFor(
        (d) => [...d.offers.values()].find((o) => o.conversationId === conversationId),
        'the offer',
      );
      expect((await agent.api.accept(offer.id)).status).toBe(200);
      owned.set(conversationId, { agent, waId: customer.waId, name: customer.name });
    }
    await desktopsCaughtUp(c, agents);

    await c.redis.stop('SIGKILL');

    // While Redis is down, webhooks posted to each node in turn (the balancer may have taken them
    // out: their /healthz says Redis is gone) commit messages to conversations owned by agents
    // whose desktops are on other nodes, and new conversations (offers).
    const committed: { text: string; conversationId: string | undefined; waId: string }[] = [];
    const nodes = c.nodes;
    let i = 0;
    for (const [conversationId, { waId, name }] of owned) {
      const node = nodes[i++ % nodes.length];
      if (!node) continue;
      const text = `while redis was down ${letters(i)}`;
      const status = await postWebhook(node.url, signedTextWebhook(waId, name, text));
      if (status === 200) committed.push({ text, conversationId, waId });
    }
    const fresh = c.customers.slice(agents.length, agents.length + 3);
    for (const customer of fresh) {
      const node = nodes[i++ % nodes.length];
      if (!node) continue;
      const text = `new while redis was down ${letters(i)}`;
      const status = await postWebhook(node.url, signedTextWebhook(customer.waId, customer.name, text));
      if (status === 200) committed.push({ text, conversationId: undefined, waId: customer.waId });
    }
    expect(committed.length, 'webhooks the nodes committed while Redis was down').toBeGreaterThan(0);
    const seqWhileDown = new Map<string, number>();
    for (const agent of agents) seqWhileDown.set(agent.username, await lastSeqInLog(c, agent.userId));
    await sleep(1_500);

    await c.redis.start();
    for (const node of c.nodes) await node.waitHealthy(30_000);
    for (const node of c.nodes) await c.balancer.waitFor(node.name, 'UP', 20_000);

    // The very messages committed during the outage reach their owners' desktops...
    for (const { text, conversationId } of committed) {
      if (conversationId === undefined) continue;
      const owner = owned.get(conversationId)?.agent;
      if (!owner) continue;
      await owner.desktop.waitFor(
        (d) => d.messageWithText(text),
        `"${text}" (committed while Redis was down; desktop on ${owner.desktop.node})`,
        20_000,
      );
    }
    // ... and so do the offers of the new conversations, and everything up to the seq logged then.
    for (const { conversationId, waId } of committed) {
      if (conversationId !== undefined) continue;
      const id = await until(() => conversationOf(c, waId), 'the new conversation');
      const holder = await holderOf(c, id);
      const agent = agents.find((a) => a.userId === holder);
      if (!agent) continue; // not offered (everyone busy): nothing to push
      await agent.desktop.waitFor(
        (d) => (d.events.some((e) => JSON.stringify(e.event).includes(id)) ? true : undefined),
        `the offer of ${id}, made while Redis was down (desktop on ${agent.desktop.node})`,
        20_000,
      );
    }
    for (const agent of agents) {
      await agent.desktop.waitFor(
        (d) => ((d.lastSeq ?? 0) >= (seqWhileDown.get(agent.username) ?? 0) ? true : undefined),
        'the seq logged while Redis was down',
        20_000,
      );
    }

    await quiesce(c);
    expect(await lostAckedMessages(c)).toEqual([]);
    expect(await routingViolations(c)).toEqual([]);
    await desktopsCaughtUp(c, agents);
    for (const agent of agents) expect(agent.desktop.violations).toEqual([]);
  });
});
