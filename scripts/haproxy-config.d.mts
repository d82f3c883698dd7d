// Types of scripts/haproxy-config.mjs, for the cluster tests (TypeScript) that share it.

/** One Parlo node behind the balancer. */
export interface HaproxyNode {
  /** The node's name in HAProxy and in `X-Parlo-Node` (e.g. its NODE_ID). */
  readonly name: string;
  /** `host:port` where the node listens. */
  readonly address: string;
}

export interface HaproxyOptions {
  /** The one frontend port (what users and Meta are given). */
  readonly port: number;
  /** Address to bind the frontend to (default 127.0.0.1). */
  readonly bind?: string;
  readonly nodes: readonly HaproxyNode[];
  /** Serves `/stats` (add `;csv` for machines) on this port. */
  readonly statsPort?: number;
  /** Health check period (default 1000). */
  readonly checkIntervalMs?: number;
  /** Idle limit of an upgraded (WebSocket) connection (default 1 h). */
  readonly tunnelTimeoutMs?: number;
  /** Webhooks in flight to one node at most (default 64). */
  readonly webhookConnections?: number;
  /** Webhooks waiting per node past which the balancer answers 503 at once (default 64). */
  readonly webhookQueue?: number;
  /** Longest wait of a webhook in the balancer's queue before a 503 (default 500). */
  readonly webhookQueueMs?: number;
}

/** The catalog's 503 (`UNAVAILABLE`) body the balancer answers past its webhook queue. */
export const WEBHOOK_SHED_BODY: string;
/** The header on the balancer's own 503s (`balancer`); a node's 503s do not carry it. */
export const WEBHOOK_SHED_HEADER: string;

/** Writes the text of an `haproxy.cfg` for these nodes. */
export function haproxyConfig(options: HaproxyOptions): string;

/** Reads HAProxy's CSV statistics (`/stats;csv`) into each node's status (`UP`, `DOWN`, ...). */
export function nodeStatusesFromStats(csv: string): Record<string, string>;

/** Webhooks waiting in the balancer's queue now (`qcur` of parlo_webhooks) from `/stats;csv`. */
export function queuedWebhooksFromStats(csv: string): number;
