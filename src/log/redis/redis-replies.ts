// Shapes of the stream replies the log's Redis adapter reads, from `unknown`. ioredis answers in RESP2 shapes by default
// (maps as flat [key, value, ...] arrays) and as objects when a client is built with replyMapping 'resp3';
// both are accepted, so the adapter works with whatever client it is given.

/** One entry of a stream reply: its id and its fields ([field, value, ...]); null fields: a deleted entry. */
export interface RawStreamEntry {
  readonly id: string;
  readonly fields: readonly string[] | null;
}

export function streamEntriesOf(reply: unknown): RawStreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const entries: RawStreamEntry[] = [];
  for (const item of reply) {
    if (!Array.isArray(item) || typeof item[0] !== 'string') continue;
    const fields = item[1];
    entries.push({ id: item[0], fields: Array.isArray(fields) ? fields.map(String) : null });
  }
  return entries;
}

/** XREADGROUP on one stream: [[key, entries]], a flat [key, entries], {key: entries}, or null when empty. */
export function entriesOfReadReply(reply: unknown): RawStreamEntry[] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) {
    if (typeof reply[0] === 'string') return streamEntriesOf(reply[1]);
    return reply.flatMap((stream) => (Array.isArray(stream) ? streamEntriesOf(stream[1]) : []));
  }
  if (typeof reply === 'object') return Object.values(reply).flatMap(streamEntriesOf);
  return [];
}

/** XAUTOCLAIM: [next cursor, entries, deleted ids]. */
export function autoClaimReplyOf(reply: unknown): { next: string; entries: RawStreamEntry[] } {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') return { next: '0-0', entries: [] };
  return { next: reply[0], entries: streamEntriesOf(reply[1]) };
}

/** A map reply (flat array or object) as a record. */
export function recordOf(reply: unknown): Record<string, unknown> {
  if (Array.isArray(reply)) {
    const record: Record<string, unknown> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) record[String(reply[i])] = reply[i + 1];
    return record;
  }
  return typeof reply === 'object' && reply !== null ? (reply as Record<string, unknown>) : {};
}

export interface GroupInfo {
  readonly name: string;
  readonly pending: number;
  readonly lastDeliveredId: string;
  /** Entries not yet delivered to the group; null when Redis cannot tell (after XDEL in the stream). */
  readonly lag: number | null;
}

/** The groups of an XINFO GROUPS reply. */
export function groupInfosOf(reply: unknown): GroupInfo[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((item) => {
    const record = recordOf(item);
    const lag = record.lag;
    return {
      name: String(record.name),
      pending: Number(record.pending),
      lastDeliveredId: String(record['last-delivered-id']),
      lag: lag === null || lag === undefined ? null : Number(lag),
    };
  });
}

/** The named group of an XINFO GROUPS reply, or undefined when the stream has no such group. */
export function groupInfoOf(reply: unknown, group: string): GroupInfo | undefined {
  return groupInfosOf(reply).find((info) => info.name === group);
}

/** XPENDING summary: [count, smallest id, greatest id, consumers]; the smallest id when any is pending. */
export function oldestPendingIdOf(reply: unknown): string | undefined {
  if (!Array.isArray(reply) || Number(reply[0]) === 0 || typeof reply[1] !== 'string') return undefined;
  return reply[1];
}

/** XPENDING extended form: [[id, consumer, idle ms, deliveries], ...] → deliveries by id. */
export function pendingDeliveriesOf(reply: unknown): Map<string, number> {
  const deliveries = new Map<string, number>();
  if (!Array.isArray(reply)) return deliveries;
  for (const item of reply)
    if (Array.isArray(item) && typeof item[0] === 'string') deliveries.set(item[0], Number(item[3]));
  return deliveries;
}

export function isRedisError(error: unknown, code: string): boolean {
  return error instanceof Error && error.message.startsWith(code);
}
