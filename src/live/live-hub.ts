// Live updates of every event watched on this instance: one EventChannel per event with connections,
// made by the first connection and stopped by the last one leaving (or by close()).
import type { Gate } from '../gate/gate.js';
import type { LiveMetrics } from '../metrics/live-metrics.js';
import type { ChangeFeed } from './change-feed.js';
import { EventChannel } from './event-channel.js';
import { CloseCode, closeSocket, type LiveSocket } from './live-socket.js';

export interface LiveHubDeps {
  readonly feed: ChangeFeed;
  readonly gate: Pick<Gate, 'eventState' | 'seatStates'>;
  readonly metrics: LiveMetrics;
  /** Faults of the feed or the gate while serving live clients (they are closed or retried, not thrown). */
  readonly onError: (error: unknown) => void;
}

export class LiveHub {
  readonly #deps: LiveHubDeps;
  readonly #channels = new Map<string, EventChannel>();
  #closed = false;

  constructor(deps: LiveHubDeps) {
    this.#deps = deps;
  }

  /** Serves one connection: a snapshot now, coalesced changes after. The caller checked the event exists. */
  join(eventId: string, socket: LiveSocket): void {
    if (this.#closed) {
      closeSocket(socket, CloseCode.serverClosing);
      return;
    }
    let channel = this.#channels.get(eventId);
    if (channel === undefined) {
      const created = new EventChannel(eventId, this.#deps, () => {
        if (this.#channels.get(eventId) === created) this.#channels.delete(eventId);
      });
      channel = created;
      this.#channels.set(eventId, channel);
    }
    channel.add(socket);
  }

  /** Live connections on this instance, every event together. */
  connectionCount(): number {
    let count = 0;
    for (const channel of this.#channels.values()) count += channel.size;
    return count;
  }

  /** The connection closed (idempotent: a dropped connection has left already). */
  leave(eventId: string, socket: LiveSocket): void {
    this.#channels.get(eventId)?.remove(socket);
  }

  /** Closes every connection (1001 `server_closing`), stops every timer and subscription. */
  close(): void {
    this.#closed = true;
    for (const channel of [...this.#channels.values()]) channel.closeAll(CloseCode.serverClosing);
    this.#channels.clear();
  }
}
