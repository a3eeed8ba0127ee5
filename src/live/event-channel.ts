// The live updates of one event on this instance, shared by all its connections: one feed subscription,
// one pending change set, one flush timer, one snapshot. A flush reads the counts from the gate once,
// serialises each message once and sends the same Buffer to every connection, so a thousand watchers of a
// busy event cost a thousand socket writes per flush and nothing per change.
//
// Snapshots are shared too: a joiner gets the current shared snapshot and, after it, every flush made since
// that snapshot's read began. A change is either in the gate when the read begins (so in the snapshot) or
// delivered by the feed after it (so in a flush the joiner is sent), which is why the flushes are recorded
// from the moment the read begins, not from when the joiner arrives. Statuses are absolute, so a change
// both in the snapshot and in a flush after it is harmless.
import type { LogEntry } from '../domain/log-entry.js';
import type { Gate } from '../gate/gate.js';
import type { LiveMetrics } from '../metrics/live-metrics.js';
import type { ChangeFeed } from './change-feed.js';
import {
  LIVE_FLUSH_INTERVAL_MS,
  LIVE_SEND_BUFFER_BYTES_MAX,
  LIVE_SNAPSHOT_FOLLOW_UPS_BYTES_MIN,
} from './limits.js';
import { CloseCode, closeSocket, type LiveSocket } from './live-socket.js';
import { availabilityBytes, offersBytes, seatsBytes, snapshotBytes } from './messages.js';
import { PendingChanges } from './pending-changes.js';

export interface ChannelDeps {
  readonly feed: ChangeFeed;
  readonly gate: Pick<Gate, 'eventState' | 'seatMap'>;
  readonly metrics: LiveMetrics;
  readonly onError: (error: unknown) => void;
}

/** A flush message, serialised once, with its type for the metrics. */
interface Outgoing {
  readonly type: 'availability' | 'seats' | 'offers';
  readonly bytes: Buffer;
}

interface Connection {
  readonly socket: LiveSocket;
  /**
   * Until its snapshot is sent: the flush messages it must get after the snapshot (those since the
   * snapshot's read began), by reference. Undefined once it is live.
   */
  waiting: Outgoing[] | undefined;
}

interface SharedSnapshot {
  readonly message: Promise<Buffer>;
  /** Every flush message sent since this snapshot's read began, in order. */
  readonly followUps: Outgoing[];
  followUpBytes: number;
  /** Beyond this many follow-up bytes a fresh snapshot is read for the next joiner. */
  followUpBytesMax: number;
}

const SEND_TEXT = { binary: false } as const;

export class EventChannel {
  readonly #eventId: string;
  readonly #deps: ChannelDeps;
  readonly #onEmpty: () => void;
  readonly #connections = new Map<LiveSocket, Connection>();
  readonly #pending = new PendingChanges();
  readonly #unsubscribe: () => void;
  readonly #ready: Promise<void>;
  /** The snapshot the next joiner gets; undefined until one is needed or once it has too many follow-ups. */
  #snapshot: SharedSnapshot | undefined;
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
    const snapshot = this.#snapshot ?? this.#readSnapshot();
    const connection: Connection = { socket, waiting: [...snapshot.followUps] };
    this.#connections.set(socket, connection);
    this.#deps.metrics.connections(1);
    void this.#sendSnapshot(connection, snapshot);
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
    // Entries no client is shown (admissions from the waiting room) send nothing.
    if (this.#pending.dirty) this.#schedule();
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
      const { seats, activity, offers } = this.#pending.take();
      const messages: Outgoing[] = [];
      if (state !== undefined)
        messages.push({ type: 'availability', bytes: availabilityBytes(state, activity) });
      if (seats.size > 0) messages.push({ type: 'seats', bytes: seatsBytes(this.#eventId, seats) });
      if (offers.length > 0) messages.push({ type: 'offers', bytes: offersBytes(this.#eventId, offers) });
      this.#recordFollowUps(messages);
      for (const connection of [...this.#connections.values()]) this.#send(connection, messages);
    } catch (error) {
      // The changes stay pending and go out with the next flush.
      this.#deps.onError(error);
    } finally {
      this.#flushing = false;
      this.#lastFlushAtMs = performance.now();
      if (this.#pending.dirty) this.#schedule();
    }
  };

  #recordFollowUps(messages: readonly Outgoing[]): void {
    const snapshot = this.#snapshot;
    if (snapshot === undefined) return;
    for (const message of messages) {
      snapshot.followUps.push(message);
      snapshot.followUpBytes += message.bytes.length;
    }
    if (snapshot.followUpBytes > snapshot.followUpBytesMax) this.#snapshot = undefined;
  }

  #send(connection: Connection, messages: readonly Outgoing[]): void {
    if (connection.waiting !== undefined) {
      connection.waiting.push(...messages);
      return;
    }
    const { socket } = connection;
    if (socket.bufferedAmount > LIVE_SEND_BUFFER_BYTES_MAX) {
      this.#deps.metrics.dropped(CloseCode.slowConsumer.reason);
      this.remove(socket);
      closeSocket(socket, CloseCode.slowConsumer);
      return;
    }
    for (const message of messages) this.#sendOne(socket, message);
  }

  #sendOne(socket: LiveSocket, message: Outgoing): void {
    socket.send(message.bytes, SEND_TEXT);
    this.#deps.metrics.sent(message.type);
  }

  /** Starts reading a snapshot; flushes from this moment on are its follow-ups. */
  #readSnapshot(): SharedSnapshot {
    const message = (async () => {
      await this.#ready;
      const [state, seats] = await Promise.all([
        this.#deps.gate.eventState(this.#eventId),
        this.#deps.gate.seatMap(this.#eventId),
      ]);
      if (state === undefined || seats === undefined)
        throw new Error(`Event ${this.#eventId} left the gate.`);
      return snapshotBytes(state, seats);
    })();
    const snapshot: SharedSnapshot = {
      message,
      followUps: [],
      followUpBytes: 0,
      followUpBytesMax: LIVE_SNAPSHOT_FOLLOW_UPS_BYTES_MIN,
    };
    message.then(
      (bytes) => {
        snapshot.followUpBytesMax = Math.max(LIVE_SNAPSHOT_FOLLOW_UPS_BYTES_MIN, bytes.length / 2);
      },
      () => {
        // A failed read is not offered to later joiners.
        if (this.#snapshot === snapshot) this.#snapshot = undefined;
      },
    );
    this.#snapshot = snapshot;
    return snapshot;
  }

  async #sendSnapshot(connection: Connection, snapshot: SharedSnapshot): Promise<void> {
    try {
      const message = await snapshot.message;
      if (!this.#connections.has(connection.socket)) return;
      const { socket } = connection;
      socket.send(message, SEND_TEXT);
      this.#deps.metrics.sent('snapshot');
      for (const followUp of connection.waiting ?? []) this.#sendOne(socket, followUp);
      connection.waiting = undefined;
    } catch (error) {
      this.#deps.onError(error);
      if (!this.#connections.has(connection.socket)) return;
      this.remove(connection.socket);
      closeSocket(connection.socket, CloseCode.notReady);
    }
  }

  #stop(): void {
    this.#closed = true;
    this.#snapshot = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#unsubscribe();
    this.#onEmpty();
  }
}
