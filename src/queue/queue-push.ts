// The queue channel of the live WebSocket: a connection opened with `?queueToken=` is also sent its buyer's
// queue status as `{ "type": "queue", … }` (docs/queue.md). Coalesced: every interval, the statuses of all
// the buyers an event has connected here are read in one batched call per STANDINGS_BATCH_MAX buyers, and a
// connection is sent a message only when its status changed. Being connected counts as being heard from.
import type { LiveSocket } from '../live/live-socket.js';
import type { QueueService, QueueView } from './queue-service.js';

/** How often statuses are read and pushed: positions move by the admission steps (every 250 ms). */
export const QUEUE_PUSH_INTERVAL_MS = 500;

interface Watcher {
  readonly buyerId: string;
  /** The last message sent, to send only changes. */
  last?: string;
}

export class QueuePush {
  readonly #queue: QueueService;
  readonly #onError: (error: unknown) => void;
  readonly #events = new Map<string, Map<LiveSocket, Watcher>>();
  readonly #timer: NodeJS.Timeout;
  #pushing = false;

  constructor(queue: QueueService, onError: (error: unknown) => void, intervalMs = QUEUE_PUSH_INTERVAL_MS) {
    this.#queue = queue;
    this.#onError = onError;
    this.#timer = setInterval(() => this.#tick(), intervalMs);
    this.#timer.unref();
  }

  watch(eventId: string, buyerId: string, socket: LiveSocket): void {
    let sockets = this.#events.get(eventId);
    if (sockets === undefined) {
      sockets = new Map();
      this.#events.set(eventId, sockets);
    }
    const watcher: Watcher = { buyerId };
    sockets.set(socket, watcher);
    // The first status at once, not one interval later.
    this.#queue.status(eventId, buyerId).then((view) => send(socket, watcher, view), this.#onError);
  }

  unwatch(eventId: string, socket: LiveSocket): void {
    const sockets = this.#events.get(eventId);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.#events.delete(eventId);
  }

  /** Reads and pushes now (the timer's work; tests call it to push without waiting). */
  async push(): Promise<void> {
    for (const [eventId, sockets] of [...this.#events]) {
      const entries = [...sockets];
      const views = await this.#queue.statuses(
        eventId,
        entries.map(([, watcher]) => watcher.buyerId),
      );
      entries.forEach(([socket, watcher], i) => {
        send(socket, watcher, views[i]);
      });
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.#events.clear();
  }

  #tick(): void {
    if (this.#pushing) return;
    this.#pushing = true;
    this.push()
      .catch(this.#onError)
      .finally(() => {
        this.#pushing = false;
      });
  }
}

const OPEN = 1;

function send(socket: LiveSocket, watcher: Watcher, view: QueueView | undefined): void {
  if (socket.readyState !== OPEN) return;
  // A buyer that lost its place (or never joined) is told so once; it joins again over HTTP.
  const message = JSON.stringify(
    view === undefined ? { type: 'queue', state: 'not_in_queue' } : { type: 'queue', ...view },
  );
  if (message === watcher.last) return;
  watcher.last = message;
  socket.send(Buffer.from(message), { binary: false });
}
