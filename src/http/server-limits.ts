// How long a client may take and how many may be connected: the HTTP server's timeouts and connection bound.
// Without them a slow or idle client holds a socket for ever (Fastify's defaults are "no timeout").
import type { Server, ServerOptions } from 'node:http';
import type { FastifyServerOptions } from 'fastify';

export interface ServerLimits {
  /** The request line and headers must arrive within this long of the connection or the previous request. */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this long. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  /** A connection on which no byte moves either way for this long is closed (a client that stops reading). */
  readonly socketIdleTimeoutMs: number;
  /** Connections open at once, live WebSockets included; the next one is closed as soon as it is accepted. */
  readonly connectionsMax: number;
}

/** The defaults of the settings in config.ts; the README's configuration table says the same. */
export const SERVER_LIMITS_DEFAULT: ServerLimits = {
  // A real client sends its headers in one packet; 10 s allows a slow mobile link and cuts a slow loris.
  headersTimeoutMs: 10_000,
  // The largest body is 1 MiB (an event definition): 30 s is 35 KB/s, slower than any admin tool.
  requestTimeoutMs: 30_000,
  // Node's own default; nginx's upstream keep-alive is set below it (deploy/nginx.conf) so nginx never
  // sends on a connection the server is closing.
  keepAliveTimeoutMs: 5_000,
  // Longer than any answer takes to compute, so only a client that stopped reading is cut.
  socketIdleTimeoutMs: 60_000,
  // Room for LIVE_CONNECTIONS_MAX (10,000) live sockets and 5,000 HTTP clients; each open connection costs a
  // file descriptor and some kilobytes, and a bound keeps a flood of idle sockets from taking them all.
  connectionsMax: 15_000,
};

/**
 * Node checks headersTimeout and requestTimeout on a timer (30 s by default, which would let a slow loris
 * stay up to 30 s past its timeout); checking at a quarter of the headers timeout, at most once a second,
 * costs one walk over the open connections.
 */
function checkingIntervalMs(limits: ServerLimits): number {
  return Math.max(10, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4)));
}

/** Fastify's constructor options that carry the limits to the Node server it creates. */
export function serverTimeoutOptions(limits: ServerLimits): FastifyServerOptions & { http: ServerOptions } {
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.socketIdleTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: checkingIntervalMs(limits),
    },
  };
}

/** The connection bound, which Node reads from the server itself. */
export function boundConnections(server: Server, limits: ServerLimits): void {
  server.maxConnections = limits.connectionsMax;
}
