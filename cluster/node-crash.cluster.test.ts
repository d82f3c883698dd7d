/**
 * Issue 12, acceptance 2: kill -9 one node under load (webhooks, agents' replies, offers pending).
 * Desktops that were on it reconnect through the balancer to the others and resync from their
 * seq; its timers fire on another node, once; its outbox rows are sent at most once; no
 * acknowledged webhook is lost; no conversation has two owners or two live offers; no agent is
 * over capacity.
 */
import { describe, expect, it } from 'vitest';
import {
  desktopsCaughtUp,
  duplicateSends,
  lostAckedMessages,
  overdueOffers,
  ownersDisconnected,
  quiesce,
  repeatedOfferEvents,
  routingViolations,
  useCluster,
  type TestAgent,
} from './harness.ts';
import { agentsWork, customersWrite } from './load.ts';
import { sleep, until } from './processes.ts';

const cluster = useCluster({
  extraAgents: 6,
  extraAgentCapacity: 2,
  customers: 40,
  offerTimeoutSeconds: 5,
  // A send stranded by the crash is settled GRAPH_API_TIMEOUT_MS + 5 s after its mark (ADR 0008).
  nodeEnv: { GRAPH_API_TIMEOUT_MS: '2000' },
});

describe('cluster: a node killed with SIGKILL under load', () => {
  it('desktops move to the other nodes and resync; nothing acknowledged is lost, nothing is sent twice, the routing stays sound', async () => {
    const c = cluster();
    const agents: TestAgent[] = [];
    for (const username of c.agentIds.keys()) agents.push(await c.agent(username));
    for (const agent of agents) expect((await agent.api.setAvailable()).status).toBe(200);

    const customers = customersWrite(c, 150, 'crash');
    const work = agentsWork(agents, { prefix: 'crash', repliesPerConversation: 3 });
    await sleep(5_000);

    // The victim is the node holding the most desktops.
    const victim = [...c.nodes].sort(
      (a, b) =>
        agents.filter((x) => x.desktop.node === b.name).length -
        agents.filter((x) => x.desktop.node === a.name).length,
    )[0];
    if (!victim) throw new Error('no node');
    const moved = agents.filter((a) => a.desktop.node === victim.name);
    expect(moved.length).toBeGreaterThan(0);
    const seqAtKill = new Map(moved.map((a) => [a.username, a.desktop.lastSeq]));
    const exit = await victim.kill();
    expect(exit.signal).toBe('SIGKILL');

    for (const agent of moved) {
      await until(
        () => (agent.desktop.isSynced && agent.desktop.node !== victim.name ? true : undefined),
        `${agent.username}'s desktop to reconnect to another node`,
        20_000,
      );
      // Resumed from its seq (a replay of what it missed), not restarted from nothing.
      expect(agent.desktop.lastSeq ?? 0).toBeGreaterThanOrEqual(seqAtKill.get(agent.username) ?? 0);
    }
    await c.balancer.waitFor(victim.name, 'DOWN');
    await sleep(6_000);
    await customers.stop();
    await work.stop();
    await quiesce(c, 60_000);

    expect(await lostAckedMessages(c)).toEqual([]);
    expect(duplicateSends(c)).toEqual([]);
    expect(await routingViolations(c)).toEqual([]);
    expect(repeatedOfferEvents(agents)).toEqual([]);
    expect(await overdueOffers(c)).toBe(0);
    // The moved desktops came back within the grace period: their agents kept their conversations.
    expect(await ownersDisconnected(c)).toBe(0);
    // Every reply a node acknowledged is stored (REST 200 = committed).
    const acknowledged = work.sends.filter((s) => s.acknowledged);
    expect(acknowledged.length).toBeGreaterThan(0);
    const stored = await c.db.query<{ client_message_id: string }>(
      'select client_message_id from messages where client_message_id = any($1::text[])',
      [acknowledged.map((s) => s.clientMessageId)],
    );
    expect(stored.rows.length).toBe(acknowledged.length);
    await desktopsCaughtUp(c, agents);
    for (const agent of agents) expect(agent.desktop.violations).toEqual([]);
    expect(customers.texts.length).toBeGreaterThan(20);
  });
});
