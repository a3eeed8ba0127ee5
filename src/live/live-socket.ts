// What the hub needs of a client connection: a `ws` WebSocket fits. Keeping it this narrow keeps the hub
// free of HTTP and lets it be driven by anything that can send text.
import { LIVE_CLOSE_GRACE_MS } from './limits.js';

export interface LiveSocket {
  /** Sends a text frame; a Buffer is queued by reference, so one message shared by many sockets is one copy. */
  send(message: Buffer, options: { readonly binary: false }): void;
  /** Bytes accepted by send() and not yet handed to the kernel. */
  readonly bufferedAmount: number;
  /** 1 while open (the WebSocket readyState). */
  readonly readyState: number;
  close(code: number, reason: string): void;
  terminate(): void;
}

const OPEN = 1;

/**
 * Close codes the server uses, with the reason text sent beside them (docs/live.md). Unknown events never
 * get this far: they are answered 404 `event_not_found` before the upgrade.
 */
export const CloseCode = {
  /** The server is shutting down: reconnect (to another instance) after a pause. */
  serverClosing: { code: 1001, reason: 'server_closing' },
  /** The client read too slowly and its send buffer passed its bound: reconnect for a fresh snapshot. */
  slowConsumer: { code: 1008, reason: 'slow_consumer' },
  /** The gate or the change feed could not be read (Redis unreachable): try again later. */
  notReady: { code: 1013, reason: 'not_ready' },
  /**
   * Its address passed the per-address bound between the check before the upgrade and the join (concurrent
   * upgrades): close one connection first.
   */
  tooManyConnections: { code: 1008, reason: 'too_many_connections' },
} as const;

/**
 * Sends a close frame, then destroys the socket after a grace period whether or not the client answered:
 * a client that stopped reading never will, and its buffered bytes are freed by the destroy.
 */
export function closeSocket(socket: LiveSocket, close: { code: number; reason: string }): void {
  if (socket.readyState === OPEN) socket.close(close.code, close.reason);
  terminateAfterGrace(socket);
}

/** Destroys the socket after the grace period (a no-op if it has closed by then). */
export function terminateAfterGrace(socket: Pick<LiveSocket, 'terminate'>): void {
  setTimeout(() => socket.terminate(), LIVE_CLOSE_GRACE_MS).unref();
}
