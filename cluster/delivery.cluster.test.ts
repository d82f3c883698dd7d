/**
 * Issue 12, acceptance 1: three nodes behind the real balancer, agents' sockets through it (so they
 * land on different nodes), customers' webhooks through it (so any node commits them): every offer,
 * message, status and system note reaches the right desktops, whichever node they are on.
 */
import { describe, expect, it } from 'vitest';
import { conversationOf, desktopsCaughtUp, holderOf, useCluster, type TestAgent } from './harness.ts';
import { until } from './processes.ts';
import type { Cluster } from './harness.ts';

/** The customer of a conversation: the one the agents replied to (replies name the conversation). */
function customerOf(c: Cluster, conversationId: string): string {
  const customer = c.customers.find((cu) =>
    c.sim.thread(cu.waId).some((m) => m.direction === 'out' && m.text.includes(conversationId)),
  );
  if (!customer) throw new Error(`no customer for ${conversationId}`);
  return customer.waId;
}

const cluster = useCluster({ extraAgents: 3, customers: 12 });

describe('cluster: delivery across nodes', () => {
  const agents: TestAgent[] = [];

  /** Conversations a conference or transfer test already used (their ex-guest is still a participant until wrap-up). */
  const used = new Set<string>();

  /** An owner of an active conversation, and an agent with room whose desktop is on another node. */
  function pairOnTwoNodes(): { owner: TestAgent; guest: TestAgent; conversationId: string } {
    for (const owner of agents) {
      for (const conversation of owner.desktop.conversations.values()) {
        if (used.has(conversation.id)) continue;
        if (
          conversation.phase !== 'active' ||
          conversation.role !== 'owner' ||
          conversation.conference !== null
        )
          continue;
        const guest = agents.find(
          (a) =>
            a.desktop.node !== owner.desktop.node &&
            (a.desktop.agent?.load ?? 0) < (a.desktop.agent?.capacity ?? 0) &&
            a.desktop.agent?.state.kind === 'available',
        );
        if (guest) {
          used.add(conversation.id);
          return { owner, guest, conversationId: conversation.id };
        }
      }
    }
    throw new Error('no owner with an agent on another node who has room');
  }

  it('agents’ sockets through the balancer land on every node', async () => {
    const c = cluster();
    for (const username of c.agentIds.keys()) agents.push(await c.agent(username));
    const nodesUsed = new Set(agents.map((a) => a.desktop.node));
    expect([...nodesUsed].sort()).toEqual(c.nodes.map((n) => n.name).sort());
    for (const agent of agents) expect((await agent.api.setAvailable()).status).toBe(200);
  });

  it('every offer and customer message reaches the desktop of its agent, whichever node committed it', async () => {
    const c = cluster();
    expect(agents.length).toBeGreaterThan(0);
    const customers = c.customers.slice(0, agents.length);
    for (const [i, customer] of customers.entries()) c.customerWrites(customer.waId, `first words ${i}`);

    // Each conversation is offered to someone; that agent's desktop shows the offer, and no other does.
    const offered = new Map<string, TestAgent>();
    for (const customer of customers) {
      const conversationId = await until(() => conversationOf(c, customer.waId), 'the conversation', 15_000);
      const agentId = await until(() => holderOf(c, conversationId), `an offer of ${conversationId}`, 15_000);
      const agent = agents.find((a) => a.userId === agentId);
      if (!agent) throw new Error(`offered to an unknown agent ${agentId}`);
      const offer = await agent.desktop.waitFor(
        (d) => [...d.offers.values()].find((o) => o.conversationId === conversationId),
        `the offer of ${conversationId} (desktop on ${agent.desktop.node})`,
      );
      for (const other of agents.filter((a) => a !== agent)) {
        expect([...other.desktop.offers.values()].some((o) => o.conversationId === conversationId)).toBe(
          false,
        );
      }
      expect((await agent.api.accept(offer.id)).status).toBe(200);
      offered.set(conversationId, agent);
    }
    for (const [conversationId, agent] of offered) {
      await agent.desktop.waitFor(
        (d) => d.conversations.get(conversationId),
        `conversation ${conversationId}`,
      );
    }

    // Later messages of each customer reach the owner's desktop (the webhooks land on any node).
    for (const [i, customer] of customers.entries()) c.customerWrites(customer.waId, `second words ${i}`);
    for (const [i, customer] of customers.entries()) {
      const conversationId = await until(() => conversationOf(c, customer.waId), 'the conversation');
      const owner = offered.get(conversationId);
      if (!owner) throw new Error(`no owner for ${conversationId}`);
      await owner.desktop.waitFor(
        (d) => d.messageWithText(`second words ${i}`),
        `the customer's second message (desktop on ${owner.desktop.node})`,
      );
    }
  });

  it('the delivery ticks of agents’ replies reach their desktops, whichever node took the status webhook', async () => {
    const c = cluster();
    const owners = agents.filter((a) =>
      [...a.desktop.conversations.values()].some((v) => v.phase === 'active'),
    );
    expect(owners.length).toBeGreaterThan(0);
    const replies: { agent: TestAgent; text: string }[] = [];
    for (const agent of owners) {
      for (const conversation of agent.desktop.conversations.values()) {
        const text = `reply from ${agent.username} to ${conversation.id}`;
        const answer = await agent.api.send(conversation.id, text, `cm-${conversation.id}-${agent.username}`);
        expect(answer.status).toBe(200);
        replies.push({ agent, text });
      }
    }
    for (const { agent, text } of replies) {
      await agent.desktop.waitFor(
        (d) => (d.messageWithText(text)?.status === 'delivered' ? true : undefined),
        `"${text}" delivered (desktop on ${agent.desktop.node})`,
        20_000,
      );
    }
    expect(c.acceptedSends.filter((s) => s.text.startsWith('reply from')).length).toBe(replies.length);
  });

  it('a conference between agents on different nodes: the request, the accept and the system note reach both desktops', async () => {
    const c = cluster();
    const { owner, guest, conversationId } = pairOnTwoNodes();
    const asked = await owner.api.call(`/api/conversations/${conversationId}/conference`, {
      body: { target: { kind: 'agent', agentId: guest.userId } },
    });
    expect(asked.status).toBe(200);
    const offer = await guest.desktop.waitFor(
      (d) => [...d.offers.values()].find((o) => o.conversationId === conversationId),
      `the conference request (desktop on ${guest.desktop.node}, asked on ${owner.desktop.node})`,
    );
    expect(offer.purpose.kind).toBe('conference');
    expect((await guest.api.accept(offer.id)).status).toBe(200);
    for (const agent of [owner, guest]) {
      await agent.desktop.waitFor(
        (d) =>
          [...d.messages.values()].find(
            (m) =>
              m.conversationId === conversationId &&
              m.content?.kind === 'note' &&
              m.content.note.kind === 'agentJoined',
          ),
        `"joined the chat" (desktop on ${agent.desktop.node})`,
      );
    }
    // Both participants get the customer's next message, wherever the webhook landed.
    const waId = customerOf(c, conversationId);
    c.customerWrites(waId, 'to both of you');
    for (const agent of [owner, guest]) {
      await agent.desktop.waitFor(
        (d) => d.messageWithText('to both of you'),
        'the message to the conference',
      );
    }
    expect(
      (await owner.api.call(`/api/conversations/${conversationId}/conference/end`, { body: {} })).status,
    ).toBe(200);
    await guest.desktop.waitFor(
      (d) => (d.conversations.get(conversationId)?.phase === 'active' ? undefined : true),
      'the guest leaving the conference',
    );
  });

  it('a transfer between agents on different nodes: the offer and the new owner’s messages cross nodes', async () => {
    const c = cluster();
    const { owner, guest: target, conversationId } = pairOnTwoNodes();
    const transfer = await owner.api.call(`/api/conversations/${conversationId}/transfer`, {
      body: { target: { kind: 'agent', agentId: target.userId } },
    });
    expect(transfer.status).toBe(200);
    const offer = await target.desktop.waitFor(
      (d) => [...d.offers.values()].find((o) => o.conversationId === conversationId),
      `the transfer offer (desktop on ${target.desktop.node}, from ${owner.desktop.node})`,
    );
    expect(offer.purpose.kind).toBe('transfer');
    expect((await target.api.accept(offer.id)).status).toBe(200);
    await target.desktop.waitFor((d) => d.conversations.get(conversationId), 'the transferred conversation');
    const history = await target.api.call(`/api/conversations/${conversationId}/messages`);
    expect(JSON.stringify(history.json)).toContain('transferredToAgent');
    c.customerWrites(customerOf(c, conversationId), 'after the transfer');
    await target.desktop.waitFor(
      (d) => d.messageWithText('after the transfer'),
      'the message after the transfer',
    );
  });

  it('no desktop saw a gap or a repeat in its seq, and each is at its agent’s last logged event', async () => {
    for (const agent of agents) expect(agent.desktop.violations).toEqual([]);
    await desktopsCaughtUp(cluster(), agents, 10_000);
  });
});
