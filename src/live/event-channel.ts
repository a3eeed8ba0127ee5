// The live updates of one event on this instance, shared by all its connections: one feed subscription,
// one pending change set, one flush timer. A flush reads the counts from the gate once, serialises each
// message once and sends the same text to every connection, so a thousand watchers of a busy event cost a
// thousand socket writes per flush and nothing per change.
import type { LogEntry } from '../domain/log-entry.js';
import type { Gate } from '../gate/gate.js';
import type { LiveMetrics } from '../metrics/live-metrics.js';
import type { ChangeFeed } from './change-feed.js';
import { LIVE_FLUSH_INTERVAL_MS, LIVE_SEND_BUFFER_BYTES_MAX } from './limits.js';
import { CloseCode, closeSocket, type LiveSocket } from './live-socket.js';
import { availabilityText, seatsText, snapshotText } from './messages.js';
import { PendingChanges } from './pending-changes.js';

export interface ChannelDeps {
  readonly feed: ChangeFeed;
  readonly gate: Pick<Gate, 'eventState' | 'seatStates'>;
  readonly metrics: LiveMetrics;
  readonly onError: (error: unknown) => void;
}

interface Connection {
  readonly socket: LiveSocket;
  /** False until the snapshot is sent: flushes before it are already contained in it. */
  live: boolean;
  /** Unsent bytes beyond which the client is a slow consumer: its snapshot plus the fixed bound. */
  sendBufferBytesMax: number;
}

export class EventChannel {
  readonly #eventId: string;
  readonly #deps: ChannelDeps;
  readonly #onEmpty: () => void;
  readonly #connections = new Map<LiveSocket, Connection>();
  readonly #pending = new PendingChanges();
  readonly #unsubscribe: () => void;
  readonly #ready: Promise<void>;
  #timer: NodeJS.Timeout | undefined;
  #flushing = false;
  #lastFlushAtMs = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(eventId: string, deps: ChannelDeps, onEmpty: () => void) {
    this.#eventId = eventId;
    this.#deps = deps;
    this.#onEmpty = onEmpty;
    this.#unsubscribe = deps.feed.subscribe(eventId, this.#onEntries);
    this.#ready = deps.feed.ready(eventId);
    // Awaited by every snapshot; this keeps a rejection that no snapshot awaits yet from being unhandled.
    this.#ready.catch(() => {});
  }

  /** Connections served by this channel now. */
  get size(): number {
    return this.#connections.size;
  }

  add(socket: LiveSocket): void {
    const connection: Connection = { socket, live: false, sendBufferBytesMax: LIVE_SEND_BUFFER_BYTES_MAX };
    this.#connections.set(socket, connection);
    this.#deps.metrics.connections(1);
    void this.#sendSnapshot(connection);
  }

  /** Forgets a connection (idempotent); the last one out stops the channel. */
  remove(socket: LiveSocket): void {
    if (!this.#connections.delete(socket)) return;
    this.#deps.metrics.connections(-1);
    if (this.#connections.size === 0) this.#stop();
  }

  /** Closes every connection with `close` and stops. */
  closeAll(close: { code: number; reason: string }): void {
    for (const socket of [...this.#connections.keys()]) {
      this.remove(socket);
      closeSocket(socket, close);
    }
  }

  readonly #onEntries = (entries: readonly LogEntry[]): void => {
    if (this.#closed) return;
    this.#pending.apply(entries);
    this.#schedule();
  };

  #schedule(): void {
    if (this.#timer !== undefined || this.#flushing || this.#closed) return;
    // The first change after a quiet spell goes out at once; later ones wait for the interval to pass.
    const delayMs = Math.max(0, this.#lastFlushAtMs + LIVE_FLUSH_INTERVAL_MS - performance.now());
    this.#timer = setTimeout(this.#flush, delayMs);
  }

  readonly #flush = async (): Promise<void> => {
    this.#timer = undefined;
    this.#flushing = true;
    try {
      // Counts come from the gate, not from the entries: one read per flush, and never behind the seats.
      const state = await this.#deps.gate.eventState(this.#eventId);
      if (this.#closed) return;
      const { seats, activity } = this.#pending.take();
      const availability = state === undefined ? undefined : availabilityText(state, activity);
      const seatChanges = seats.size === 0 ? undefined : seatsText(this.#eventId, seats);
      for (const connection of [...this.#connections.values()])
        this.#send(connection, availability, seatChanges);
    } catch (error) {
      // The changes stay pending and go out with the next flush.
      this.#deps.onError(error);
    } finally {
      this.#flushing = false;
      this.#lastFlushAtMs = performance.now();
      if (this.#pending.dirty) this.#schedule();
    }
  };

  #send(connection: Connection, availability: string | undefined, seats: string | undefined): void {
    if (!connection.live) return;
    const { socket } = connection;
    if (socket.bufferedAmount > connection.sendBufferBytesMax) {
      this.#deps.metrics.dropped(CloseCode.slowConsumer.reason);
      this.remove(socket);
      closeSocket(socket, CloseCode.slowConsumer);
      return;
    }
    if (availability !== undefined) {
      socket.send(availability);
      this.#deps.metrics.sent('availability');
    }
    if (seats !== undefined) {
      socket.send(seats);
      this.#deps.metrics.sent('seats');
    }
  }

  async #sendSnapshot(connection: Connection): Promise<void> {
    try {
      await this.#ready;
      const [state, seats] = await Promise.all([
        this.#deps.gate.eventState(this.#eventId),
        this.#deps.gate.seatStates(this.#eventId),
      ]);
      if (state === undefined) throw new Error(`Event ${this.#eventId} left the gate.`);
      if (!this.#connections.has(connection.socket)) return;
      const text = snapshotText(state, seats ?? []);
      connection.socket.send(text);
      connection.sendBufferBytesMax = Buffer.byteLength(text) + LIVE_SEND_BUFFER_BYTES_MAX;
      connection.live = true;
      this.#deps.metrics.sent('snapshot');
    } catch (error) {
      this.#deps.onError(error);
      if (!this.#connections.has(connection.socket)) return;
      this.remove(connection.socket);
      closeSocket(connection.socket, CloseCode.notReady);
    }
  }

  #stop(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#unsubscribe();
    this.#onEmpty();
  }
}
