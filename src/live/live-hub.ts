// Live updates of every event watched on this instance: one EventChannel per event with connections,
// made by the first connection and stopped by the last one leaving (or by close()). The hub also counts
// connections per client address, so that one address cannot take the instance's whole allowance.
import type { Gate } from '../gate/gate.js';
import type { LiveMetrics } from '../metrics/live-metrics.js';
import type { ChangeFeed } from './change-feed.js';
import { EventChannel } from './event-channel.js';
import { CloseCode, closeSocket, type LiveSocket } from './live-socket.js';

export interface LiveHubDeps {
  readonly feed: ChangeFeed;
  readonly gate: Pick<Gate, 'eventState' | 'seatMap'>;
  readonly metrics: LiveMetrics;
  /** Faults of the feed or the gate while serving live clients (they are closed or retried, not thrown). */
  readonly onError: (error: unknown) => void;
  /** Live connections one client address may have open on this instance. */
  readonly connectionsPerAddressMax: number;
}

export class LiveHub {
  readonly #deps: LiveHubDeps;
  readonly #channels = new Map<string, EventChannel>();
  /** Client address → its live connections here; an address with none is not kept. */
  readonly #perAddress = new Map<string, number>();
  /** Each live socket's client address, so that it is counted out exactly once. */
  readonly #addressOf = new Map<LiveSocket, string>();
  #closed = false;

  constructor(deps: LiveHubDeps) {
    this.#deps = deps;
  }

  /** Whether a connection from this client address would be admitted now (checked before the upgrade). */
  admits(address: string): boolean {
    return (this.#perAddress.get(address) ?? 0) < this.#deps.connectionsPerAddressMax;
  }

  /** Serves one connection: a snapshot now, coalesced changes after. The caller checked the event exists. */
  join(eventId: string, socket: LiveSocket, address: string): void {
    if (this.#closed) {
      closeSocket(socket, CloseCode.serverClosing);
      return;
    }
    // Upgrades from one address that passed the check together: the ones past the bound go now.
    if (!this.admits(address)) {
      closeSocket(socket, CloseCode.tooManyConnections);
      return;
    }
    this.#perAddress.set(address, (this.#perAddress.get(address) ?? 0) + 1);
    this.#addressOf.set(socket, address);
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
    const address = this.#addressOf.get(socket);
    if (address === undefined) return;
    this.#addressOf.delete(socket);
    const left = (this.#perAddress.get(address) ?? 1) - 1;
    if (left > 0) this.#perAddress.set(address, left);
    else this.#perAddress.delete(address);
  }

  /** Closes every connection (1001 `server_closing`), stops every timer and subscription. */
  close(): void {
    this.#closed = true;
    for (const channel of [...this.#channels.values()]) channel.closeAll(CloseCode.serverClosing);
    this.#channels.clear();
  }
}
