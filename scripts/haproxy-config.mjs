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
//   logs, debugging and the tests.

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
 */

/**
 * Writes the text of an `haproxy.cfg` for these nodes.
 * @param {HaproxyOptions} options
 * @returns {string}
 */
export function haproxyConfig(options) {
  const bind = options.bind ?? '127.0.0.1';
  const inter = options.checkIntervalMs ?? 1000;
  const tunnel = options.tunnelTimeoutMs ?? 3_600_000;
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
    '  default_backend parlo_nodes',
    '',
    'backend parlo_nodes',
    '  balance roundrobin',
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    `  default-server inter ${inter}ms fastinter ${Math.max(100, Math.floor(inter / 2))}ms downinter ${inter}ms fall 2 rise 1`,
    '  http-response set-header X-Parlo-Node %[srv_name]',
    ...options.nodes.map((node) => `  server ${node.name} ${node.address} check`),
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
 * Reads HAProxy's CSV statistics (`/stats;csv`) into each node's status: `UP`, `DOWN`, `MAINT`,
 * `UP 1/2`-style transitions, or `no check`.
 * @param {string} csv
 * @returns {Record<string, string>}
 */
export function nodeStatusesFromStats(csv) {
  const [header, ...rows] = csv.split('\n');
  const columns = (header ?? '').replace(/^# /, '').split(',');
  const nameColumn = columns.indexOf('svname');
  const proxyColumn = columns.indexOf('pxname');
  const statusColumn = columns.indexOf('status');
  /** @type {Record<string, string>} */
  const statuses = {};
  for (const row of rows) {
    const cells = row.split(',');
    const name = cells[nameColumn];
    if (cells[proxyColumn] !== 'parlo_nodes' || !name || name === 'FRONTEND' || name === 'BACKEND') continue;
    statuses[name] = cells[statusColumn] ?? '';
  }
  return statuses;
}
