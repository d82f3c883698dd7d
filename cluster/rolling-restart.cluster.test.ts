/**
 * Issue 12, acceptance 5: a rolling restart under load, as a deploy does it (docs/deploy.md):
 * SIGTERM one node, wait for it to exit, start it again, wait until the balancer has it back, then
 * the next. A drain finishes what it started, so nothing is lost and nothing is sent twice — not
 * even "delivery unknown" — and every desktop ends at its agent's last logged event.
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

const cluster = useCluster({ extraAgents: 6, extraAgentCapacity: 2, customers: 40, offerTimeoutSeconds: 5 });

describe('cluster: rolling restart under load', () => {
  it('SIGTERM each node in turn and start it again: 0 acknowledged loss, 0 double sends, every desktop resynced', async () => {
    const c = cluster();
    const agents: TestAgent[] = [];
    for (const username of c.agentIds.keys()) agents.push(await c.agent(username));
    for (const agent of agents) expect((await agent.api.setAvailable()).status).toBe(200);

    const customers = customersWrite(c, 150, 'rolling');
    const work = agentsWork(agents, { prefix: 'rolling', repliesPerConversation: 3 });
    await sleep(3_000);

    for (const node of c.nodes) {
      const onNode = agents.filter((a) => a.desktop.node === node.name);
      const exited = node.terminate();
      // The drain takes the node out at once: /healthz 503 (or nothing listening any more).
      await until(
        async () => ((await node.health()) !== 200 ? true : undefined),
        `${node.name} not ready`,
        3_000,
      );
      expect(await exited, `${node.name} exits 0 after its drain`).toEqual({ code: 0, signal: null });
      for (const agent of onNode) {
        await until(
          () => (agent.desktop.isSynced && agent.desktop.node !== node.name ? true : undefined),
          `${agent.username}'s desktop to move off ${node.name}`,
          20_000,
        );
      }
      await node.start();
      await c.balancer.waitFor(node.name, 'UP');
      await sleep(2_000);
    }

    await customers.stop();
    await work.stop();
    await quiesce(c, 60_000);

    expect(await lostAckedMessages(c)).toEqual([]);
    expect(duplicateSends(c)).toEqual([]);
    // A drained node finishes its sends: every acknowledged reply reached WhatsApp, exactly once.
    const acknowledged = work.sends.filter((s) => s.acknowledged);
    expect(acknowledged.length).toBeGreaterThan(0);
    const received = new Set(c.acceptedSends.map((s) => s.text));
    expect(acknowledged.filter((s) => !received.has(s.text)).map((s) => s.text)).toEqual([]);
    expect(await routingViolations(c)).toEqual([]);
    expect(repeatedOfferEvents(agents)).toEqual([]);
    expect(await overdueOffers(c)).toBe(0);
    expect(await ownersDisconnected(c)).toBe(0);
    await desktopsCaughtUp(c, agents);
    for (const agent of agents) expect(agent.desktop.violations).toEqual([]);
    // Every node was restarted under the desktops: each desktop that was on one has moved.
    expect(agents.some((a) => new Set(a.desktop.landings).size > 1)).toBe(true);
  });
});
