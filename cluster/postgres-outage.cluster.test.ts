/**
 * Issue 12, acceptance 4: PostgreSQL stops for a few seconds. The nodes answer 503 to webhooks
 * (Meta retries them), never 200 without a commit; /healthz says not-ready; and they recover by
 * themselves when it is back, without a restart.
 */
import { describe, expect, it } from 'vitest';
import { holderOf, letters, lostAckedMessages, quiesce, routingViolations, useCluster } from './harness.ts';
import { postWebhook, signedTextWebhook } from './load.ts';
import { sleep } from './processes.ts';

const cluster = useCluster({ customers: 20 });

/** A customer the simulator does not know: these webhooks are posted by the test itself. */
const directCustomer = (n: number) => ({
  waId: `3931000${String(10_000 + n)}`,
  name: `Direct ${letters(n)}`,
});

describe('cluster: PostgreSQL stopped for a few seconds', () => {
  it('webhooks get 503 while it is down, never 200 without a commit, and the nodes recover by themselves', async () => {
    const c = cluster();
    // Anna stays Idle until the end: the conversations of the outage wait in the queue for her.
    const anna = await c.agent('anna');
    for (const [i, node] of c.nodes.entries()) {
      const customer = directCustomer(i);
      expect(
        await postWebhook(node.url, signedTextWebhook(customer.waId, customer.name, `before ${letters(i)}`)),
      ).toBe(200);
    }

    c.postgres.stop('immediate');
    const outageStarted = Date.now();
    const during: {
      node: string;
      status: number;
      wamid: string;
      webhook: { body: string; signature: string };
    }[] = [];
    const simTexts: string[] = [];
    const notReady = new Set<string>();
    const healthSeen = new Set<string>();
    for (let n = 0; Date.now() - outageStarted < 5_000; n++) {
      for (const node of c.nodes) {
        const customer = directCustomer(100 + n);
        const webhook = signedTextWebhook(customer.waId, customer.name, `during ${letters(n)}`);
        during.push({
          node: node.name,
          status: await postWebhook(node.url, webhook),
          wamid: webhook.wamid,
          webhook,
        });
        const health = await node.health();
        healthSeen.add(`${node.name}:${health}`);
        if (health === 503) notReady.add(node.name);
      }
      // Customers keep writing through the simulator (to the balancer): Meta retries what fails.
      const simCustomer = c.customers[n % c.customers.length];
      if (simCustomer && n % 2 === 0) {
        const text = `through the simulator during ${letters(n)}`;
        c.customerWrites(simCustomer.waId, text);
        simTexts.push(text);
      }
      await sleep(250);
    }
    expect(during.length).toBeGreaterThan(6);
    for (const node of c.nodes) {
      expect(
        node.process.running,
        `${node.name} survives the outage (exit: ${JSON.stringify(node.process.lastExit)})`,
      ).toBe(true);
    }
    expect(
      [...notReady].sort(),
      `/healthz 503 while PostgreSQL is down (seen ${[...healthSeen].join(' ')})`,
    ).toEqual(c.nodes.map((n) => n.name).sort());
    const statuses = [...new Set(during.map((d) => d.status))];
    expect(statuses, 'answers to webhooks while PostgreSQL was down').toEqual([503]);

    c.postgres.start();
    for (const node of c.nodes) await node.waitHealthy(30_000);
    for (const node of c.nodes) await c.balancer.waitFor(node.name, 'UP', 20_000);
    for (const node of c.nodes)
      expect(node.process.running, `${node.name} recovered without a restart`).toBe(true);

    // Nothing refused was stored; Meta's retry of each is now acknowledged and stored.
    const refused = during.map((d) => d.wamid);
    const storedEarly = await c.db.query('select wamid from messages where wamid = any($1::text[])', [
      refused,
    ]);
    expect(storedEarly.rows).toEqual([]);
    for (const d of during.slice(0, 9)) {
      const node = c.nodes.find((n) => n.name === d.node);
      if (node) expect(await postWebhook(node.url, d.webhook)).toBe(200);
    }
    const retried = await c.db.query('select wamid from messages where wamid = any($1::text[])', [
      during.slice(0, 9).map((d) => d.wamid),
    ]);
    expect(retried.rows.length).toBe(9);

    // What customers wrote through the simulator during the outage is delivered by its retries.
    await quiesce(c, 60_000);
    for (const text of simTexts) {
      const found = await c.db.query('select id from messages where text = $1', [text]);
      expect(found.rows.length, `"${text}" stored once`).toBe(1);
    }
    expect(await lostAckedMessages(c)).toEqual([]);
    expect(await routingViolations(c)).toEqual([]);

    // And routing works again: Anna goes Available and is offered the head of the queue.
    expect((await anna.api.setAvailable()).status).toBe(200);
    const offer = await anna.desktop.waitFor((d) => [...d.offers.values()][0], 'an offer after the outage');
    expect(await holderOf(c, offer.conversationId)).toBe(anna.userId);
  });
});
