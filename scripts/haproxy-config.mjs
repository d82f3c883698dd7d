// The HAProxy configuration of a Parlo cluster, shared by `npm run cluster` and the cluster test
// tier (cluster/), so the tests prove the balancer set-up the README and docs/deploy.md describe.
//
// What it must do for Parlo:
// - round robin over the nodes, for REST, webhooks and the agents' WebSockets (`/api/ws`): any node
//   serves anything, so no stickiness;
// - health checks on `GET /healthz` every second, a node out after two failures and back after one
//   success: a draining node (SIGTERM) answers 503 at once and leaves the rotation within ~2 s;
// - `option redispatch` + retries on connection failures: a request sent to a node that stopped
//   listening (drained or killed, before the checks noticed) is tried on another node. Only
//   connection failures are retried, never a request a node may already have committed;
// - a long `timeout tunnel` for upgraded connections, so an idle agent socket is not cut;
// - `X-Parlo-Node` on every answer (the 101 of an upgrade included): which node served it, for
//   logs, debugging and the tests;
// - webhooks in a backend of their own that sends each node at most `webhookConnections` at once
//   over connections it keeps (`http-reuse always`), queues the rest for at most
//   `webhookQueueMs`, and past `webhookQueue` waiting per node answers 503 at once (Meta retries).
//   A saturated node then never needs a new connection: Node (libuv >= 1.45) accepts one
//   connection per turn of its event loop, and a busy loop turns a few dozen times a second, so
//   a sender's new connections would wait seconds before the node even read them (ADR 35).

/**
 * @typedef {object} HaproxyNode
 * @property {string} name      The node's name in HAProxy and in `X-Parlo-Node` (e.g. its NODE_ID).
 * @property {string} address   `host:port` where the node listens.
 */

/**
 * @typedef {object} HaproxyOptions
 * @property {number} port                 The one frontend port (what users and Meta are given).
 * @property {string} [bind]               Address to bind the frontend to (default 127.0.0.1).
 * @property {readonly HaproxyNode[]} nodes
 * @property {number} [statsPort]          Serves `/stats` (add `;csv` for machines) on this port.
 * @property {number} [checkIntervalMs]    Health check period (default 1000).
 * @property {number} [tunnelTimeoutMs]    Idle limit of an upgraded (WebSocket) connection (default 1 h).
 * @property {number} [webhookConnections] Webhooks in flight to one node at most (default 64).
 * @property {number} [webhookQueue]       Webhooks waiting per node past which the balancer answers 503 (default 64).
 * @property {number} [webhookQueueMs]     Longest wait of a webhook in the balancer's queue before a 503 (default 500).
 */

/** The catalog's 503 (`UNAVAILABLE`), as a node answers it past its own limit. */
export const WEBHOOK_SHED_BODY =
  '{"error":{"code":"UNAVAILABLE","message":"Too many deliveries waiting; retry later"}}';
/** On the balancer's own 503s: who shed the webhook (a node's 503s do not carry it). */
export const WEBHOOK_SHED_HEADER = 'X-Parlo-Shed';

/**
 * Writes the text of an `haproxy.cfg` for these nodes.
 * @param {HaproxyOptions} options
 * @returns {string}
 */
export function haproxyConfig(options) {
  const bind = options.bind ?? '127.0.0.1';
  const inter = options.checkIntervalMs ?? 1000;
  const tunnel = options.tunnelTimeoutMs ?? 3_600_000;
  const webhookConnections = options.webhookConnections ?? 64;
  const webhookQueue = options.webhookQueue ?? 64;
  const webhookQueueMs = options.webhookQueueMs ?? 500;
  for (const [name, value] of Object.entries({ webhookConnections, webhookQueue, webhookQueueMs })) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`haproxyConfig: ${name} must be a positive integer`);
  }
  if (options.nodes.length === 0) throw new Error('haproxyConfig: at least one node');
  for (const node of options.nodes) {
    if (!/^[A-Za-z0-9._-]+$/.test(node.name)) throw new Error(`haproxyConfig: bad node name ${node.name}`);
  }
  const lines = [
    'global',
    '  maxconn 4096',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    `  timeout tunnel ${tunnel}ms`,
    '  timeout client-fin 5s',
    '  timeout http-request 10s',
    '  timeout http-keep-alive 10s',
    '  # A request whose connection to a node fails goes to another node (never one that reached it).',
    '  option redispatch 1',
    '  retries 3',
    '  retry-on conn-failure',
    '',
    'frontend parlo',
    `  bind ${bind}:${options.port}`,
    '  option forwardfor',
    '  acl webhook path /webhooks/whatsapp',
    '  # Past the queue a saturated node can drain quickly: 503 at once, which Meta retries.',
    `  http-request return status 503 content-type application/json hdr ${WEBHOOK_SHED_HEADER} balancer string '${WEBHOOK_SHED_BODY}' if webhook METH_POST { avg_queue(parlo_webhooks) ge ${webhookQueue} }`,
    '  use_backend parlo_webhooks if webhook',
    '  default_backend parlo_nodes',
    '',
    'backend parlo_nodes',
    '  balance roundrobin',
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    `  default-server inter ${inter}ms fastinter ${Math.max(100, Math.floor(inter / 2))}ms downinter ${inter}ms fall 2 rise 1`,
    '  http-response set-header X-Parlo-Node %[srv_name]',
    ...options.nodes.map((node) => `  server ${node.name} ${node.address} check`),
    '',
    'backend parlo_webhooks',
    '  # The same nodes, in and out of rotation with parlo_nodes (its checks), each sent at most',
    '  # `maxconn` webhooks at once over connections kept open: no new connection for a busy node.',
    '  balance roundrobin',
    '  http-reuse always',
    `  timeout queue ${webhookQueueMs}ms`,
    '  http-response set-header X-Parlo-Node %[srv_name]',
    ...options.nodes.map(
      (node) =>
        `  server ${node.name} ${node.address} maxconn ${webhookConnections} track parlo_nodes/${node.name}`,
    ),
  ];
  if (options.statsPort !== undefined) {
    lines.push(
      '',
      'frontend stats',
      `  bind 127.0.0.1:${options.statsPort}`,
      '  stats enable',
      '  stats uri /stats',
      '  stats refresh 5s',
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The rows of HAProxy's CSV statistics (`/stats;csv`) of one proxy, each as its cells by column
 * name (`svname`, `status`, `qcur`...).
 * @param {string} csv
 * @param {string} proxy
 * @returns {Record<string, string>[]}
 */
function statsRowsOf(csv, proxy) {
  const [header, ...lines] = csv.split('\n');
  const columns = (header ?? '').replace(/^# /, '').split(',');
  return lines
    .map((line) => {
      const cells = line.split(',');
      return Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? '']));
    })
    .filter((row) => row.pxname === proxy);
}

/**
 * Reads HAProxy's CSV statistics (`/stats;csv`) into each node's status: `UP`, `DOWN`, `MAINT`,
 * `UP 1/2`-style transitions, or `no check`.
 * @param {string} csv
 * @returns {Record<string, string>}
 */
export function nodeStatusesFromStats(csv) {
  /** @type {Record<string, string>} */
  const statuses = {};
  for (const row of statsRowsOf(csv, 'parlo_nodes')) {
    const name = row.svname;
    if (!name || name === 'FRONTEND' || name === 'BACKEND') continue;
    statuses[name] = row.status ?? '';
  }
  return statuses;
}

/**
 * Reads how many webhooks wait in the balancer's queue now (`qcur` of parlo_webhooks: its
 * servers' queues and its own) from HAProxy's CSV statistics.
 * @param {string} csv
 * @returns {number}
 */
export function queuedWebhooksFromStats(csv) {
  return statsRowsOf(csv, 'parlo_webhooks')
    .filter((row) => row.svname !== 'FRONTEND')
    .reduce((queued, row) => queued + (Number(row.qcur) || 0), 0);
}
