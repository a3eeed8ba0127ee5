// The log as the projection thread sees it: the main thread owns the log (its group commit appends to it)
// and serves the projection's consumer group across the thread channel (serveLog). Records cross once, on
// delivery; acknowledgements and dead letters name them by id, and the main thread finds the records it
// handed out, so any Log adapter (and a test's wrapped log) is served unchanged.
//
// At start the thread asks for the unprojected tail (one request per batch, while the main thread is idle).
// Once running, the main thread pushes each durable batch's records with its notice (feed()), and the
// thread acknowledges with a notice: no batch waits for a round trip through a main thread that is busy
// with requests, which would hold the projection back exactly when the log fills fastest.
import type { LogEntry } from '../../domain/log-entry.js';
import type { GroupPosition, Log, LogConsumer, LogRecord } from '../../log/log.js';
import type { ThreadChannel } from './thread-channel.js';

export class RemoteLog implements Log {
  readonly #channel: ThreadChannel;
  /** Records pushed by the main thread, not yet read; undefined until the main thread pushes. */
  #fed: LogRecord[] | undefined;

  constructor(channel: ThreadChannel) {
    this.#channel = channel;
  }

  /** Records the main thread pushed (the projection group's, delivered to this thread). */
  feed(records: readonly LogRecord[]): void {
    this.#fed ??= [];
    for (const record of records) this.#fed.push(record);
  }

  consumer(group: string, member: string): LogConsumer {
    const channel = this.#channel;
    return {
      readNew: async (max) => {
        if (this.#fed === undefined) return channel.request<LogRecord[]>('log.readNew', group, member, max);
        return this.#fed.splice(0, max);
      },
      claimStale: (idleMs, max) => channel.request<LogRecord[]>('log.claimStale', group, member, idleMs, max),
      acknowledge: async (records) =>
        channel.notify(
          'log.acknowledge',
          group,
          member,
          records.map((record) => record.id),
        ),
      deadLetter: (record, error) => channel.request<void>('log.deadLetter', group, member, record.id, error),
    };
  }

  positions(eventId?: string): Promise<GroupPosition[]> {
    return this.#channel.request('log.positions', eventId);
  }

  unacknowledged(group: string, eventId: string): Promise<LogEntry[]> {
    return this.#channel.request('log.unacknowledged', group, eventId);
  }

  /** Once fed, a notice: the main thread trims when it gets to it, and the projection goes on meanwhile. */
  async trim(): Promise<number | undefined> {
    if (this.#fed === undefined) return this.#channel.request('log.trim');
    this.#channel.notify('log.trim');
    return undefined;
  }

  /** The main thread owns the log and closes it. */
  async close(): Promise<void> {}
}

/** The main thread's side: serves RemoteLog's calls from the real log. */
export function serveLog(
  channel: ThreadChannel,
  log: Log,
): { feed(group: string, member: string, count: number): Promise<void> } {
  const members = new Map<string, { consumer: LogConsumer; handedOut: Map<string, LogRecord> }>();
  const memberOf = (group: string, member: string) => {
    const key = JSON.stringify([group, member]);
    let found = members.get(key);
    if (found === undefined) {
      found = { consumer: log.consumer(group, member), handedOut: new Map() };
      members.set(key, found);
    }
    return found;
  };
  const handOut = (handedOut: Map<string, LogRecord>, records: LogRecord[]) => {
    for (const record of records) handedOut.set(record.id, record);
    return records;
  };
  const take = (handedOut: Map<string, LogRecord>, ids: readonly string[]) =>
    ids.flatMap((id) => {
      const record = handedOut.get(id);
      handedOut.delete(id);
      return record === undefined ? [] : [record];
    });
  channel.handle('log.readNew', async (group: string, member: string, max: number) => {
    const { consumer, handedOut } = memberOf(group, member);
    return handOut(handedOut, await consumer.readNew(max));
  });
  channel.handle('log.claimStale', async (group: string, member: string, idleMs: number, max: number) => {
    const { consumer, handedOut } = memberOf(group, member);
    return handOut(handedOut, await consumer.claimStale(idleMs, max));
  });
  // Records pushed and not yet acknowledged are held at most FEED_AHEAD_MAX: the rest wait in the log (whose
  // bound then holds placements back) instead of piling up in the thread's heap too.
  let ahead = 0;
  let heldBack: { group: string; member: string } | undefined;
  const feed = async (group: string, member: string, count: number): Promise<void> => {
    const { consumer, handedOut } = memberOf(group, member);
    const records: LogRecord[] = [];
    while (ahead + records.length < FEED_AHEAD_MAX) {
      const batch = await consumer.readNew(Math.min(FEED_MAX, FEED_AHEAD_MAX - ahead - records.length));
      handOut(handedOut, batch);
      records.push(...batch);
      if (batch.length === 0) break;
    }
    heldBack = ahead + records.length >= FEED_AHEAD_MAX ? { group, member } : undefined;
    ahead += records.length;
    channel.notify('feed', count, records);
  };
  channel.handle('log.acknowledge', async (group: string, member: string, ids: string[]) => {
    const { consumer, handedOut } = memberOf(group, member);
    const records = take(handedOut, ids);
    await consumer.acknowledge(records);
    ahead = Math.max(0, ahead - records.length);
    if (heldBack !== undefined && ahead < FEED_AHEAD_MAX / 2) await feed(heldBack.group, heldBack.member, 0);
  });
  channel.handle('log.deadLetter', async (group: string, member: string, id: string, error: string) => {
    const { consumer, handedOut } = memberOf(group, member);
    for (const record of take(handedOut, [id])) await consumer.deadLetter(record, error);
  });
  channel.handle('log.positions', (eventId?: string) => log.positions(eventId));
  channel.handle('log.unacknowledged', (group: string, eventId: string) =>
    log.unacknowledged(group, eventId),
  );
  channel.handle('log.trim', () => log.trim());
  /** Delivers the group's new records to the thread with `count` entries made durable (one notice). */
  return { feed };
}

/** Records read from the log per call while feeding the thread. */
const FEED_MAX = 1000;
/** Records pushed to the thread and not yet acknowledged, at most (a few projection batches). */
const FEED_AHEAD_MAX = 5000;
