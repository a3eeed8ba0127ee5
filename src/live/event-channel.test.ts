// One event's channel with a gate whose reads the test releases by hand: joiners share one snapshot read,
// and a joiner whose snapshot is read while changes are flushed still ends up with the live state.
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../domain/log-entry.js';
import type { EventSpec, EventState, Hold } from '../domain/types.js';
import type { SeatMap } from '../gate/gate.js';
import type { ChangeFeed, FeedListener } from './change-feed.js';
import { EventChannel } from './event-channel.js';
import type { LiveSocket } from './live-socket.js';

const spec: EventSpec = {
  id: 'ev',
  name: 'Channel',
  venue: 'Hall',
  startsAt: '2027-01-01T20:00:00Z',
  holdTtlSeconds: 60,
  maxPerUser: 4,
  pools: [],
  sections: [{ id: 'A', name: 'A', price: 1, rows: [{ id: '1', seats: 4 }] }],
};

/** The gate's side: seat bytes the test sets, and reads that wait until the test lets them through. */
class ManualGate {
  states = '0000';
  version = 1;
  seatMapCalls = 0;
  #gates: (() => void)[] = [];
  held = false;

  async eventState(): Promise<EventState> {
    return { spec, salesOpen: true, capacity: 4, available: 4, held: 0, sold: 0, pools: [], sections: [] };
  }

  async seatMap(): Promise<SeatMap> {
    this.seatMapCalls++;
    // What the gate holds when the read reaches it, handed over when the test lets it through.
    const map = { version: String(this.version), states: Buffer.from(this.states, 'latin1') };
    if (this.held) await new Promise<void>((resolve) => this.#gates.push(resolve));
    return map;
  }

  release(): void {
    for (const open of this.#gates.splice(0)) open();
  }
}

class ManualFeed implements ChangeFeed {
  listener: FeedListener | undefined;
  subscribe(_eventId: string, listener: FeedListener): () => void {
    this.listener = listener;
    return () => {
      this.listener = undefined;
    };
  }
  async ready(): Promise<void> {}
}

class RecordingSocket implements LiveSocket {
  readonly sent: Buffer[] = [];
  bufferedAmount = 0;
  readyState = 1;
  send(message: Buffer): void {
    this.sent.push(message);
  }
  close(): void {
    this.readyState = 3;
  }
  terminate(): void {}

  /** The seat statuses this client derives, as the page does: the snapshot, then every seats message. */
  seats(): string[] {
    const statuses: string[] = [];
    for (const raw of this.sent) {
      const message = JSON.parse(raw.toString());
      if (message.type === 'snapshot')
        for (const character of message.seatStates as string)
          statuses.push({ '0': 'available', h: 'held', s: 'sold' }[character] ?? '?');
      if (message.type === 'seats')
        for (const change of message.changes) statuses[Number(change.id.split('-')[2]) - 1] = change.status;
    }
    return statuses;
  }
}

const noMetrics = { connections() {}, sent() {}, dropped() {} };

function placedEntry(seatId: string): LogEntry {
  const hold = {
    id: `h.ev.${seatId}`,
    eventId: 'ev',
    userId: 'u',
    status: 'held',
    items: [{ seatId, quantity: 1, price: 1 }],
    total: 1,
    createdAtMs: 0,
    expiresAtMs: 60_000,
  } as unknown as Hold;
  return { type: 'hold_placed', eventId: 'ev', atMs: 0, hold };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

function channelOver(gate: ManualGate, feed: ManualFeed): EventChannel {
  return new EventChannel('ev', { feed, gate, metrics: noMetrics, onError: () => {} }, () => {});
}

describe('EventChannel snapshots', () => {
  it('reads one snapshot for many joiners and sends each the same bytes', async () => {
    const gate = new ManualGate();
    const channel = channelOver(gate, new ManualFeed());
    const sockets = Array.from({ length: 50 }, () => new RecordingSocket());
    for (const socket of sockets) channel.add(socket);
    await until(() => sockets.every((socket) => socket.sent.length === 1));
    expect(gate.seatMapCalls).toBe(1);
    // Not equal copies: the one Buffer, queued by reference on every socket.
    for (const socket of sockets) expect(socket.sent[0]).toBe(sockets[0]?.sent[0]);
    channel.closeAll({ code: 1001, reason: 'server_closing' });
  });

  it('gives a joiner the changes flushed while its snapshot was read, and a later joiner the flushes since', async () => {
    const gate = new ManualGate();
    const feed = new ManualFeed();
    const channel = channelOver(gate, feed);
    gate.held = true;
    const first = new RecordingSocket();
    channel.add(first);
    await until(() => gate.seatMapCalls === 1);
    // The read reached the gate before A-1-2 was held; the change is flushed while the read is in flight.
    gate.states = '0h00';
    feed.listener?.([placedEntry('A-1-2')]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    gate.release();
    await until(() => first.sent.length >= 3);
    expect(first.seats()).toEqual(['available', 'held', 'available', 'available']);

    // A later joiner is given the shared snapshot (read before A-1-2) and the flush after it.
    const second = new RecordingSocket();
    channel.add(second);
    await until(() => second.sent.length >= 3);
    expect(gate.seatMapCalls).toBe(1);
    expect(second.seats()).toEqual(['available', 'held', 'available', 'available']);
    channel.closeAll({ code: 1001, reason: 'server_closing' });
  });
});

describe('EventChannel offers', () => {
  it('sends the waitlist offers of a flush to every watcher, naming the entry and the hold', async () => {
    const gate = new ManualGate();
    const feed = new ManualFeed();
    const channel = channelOver(gate, feed);
    const socket = new RecordingSocket();
    channel.add(socket);
    await until(() => socket.sent.length === 1);
    const entry = placedEntry('A-1-3');
    const waiter = {
      id: 'w.ev.x',
      eventId: 'ev',
      userId: 'u',
      quantity: 1,
      sectionId: 'A',
      joinedAtMs: 0,
      seq: 1,
    };
    feed.listener?.([placedEntry('A-1-4'), { ...entry, offer: waiter } as LogEntry]);
    await until(() => socket.sent.some((raw) => JSON.parse(raw.toString()).type === 'offers'));
    const offers = socket.sent.map((raw) => JSON.parse(raw.toString())).filter((m) => m.type === 'offers');
    expect(offers).toEqual([
      {
        type: 'offers',
        eventId: 'ev',
        offers: [{ entryId: 'w.ev.x', holdId: 'h.ev.A-1-3', expiresAt: new Date(60_000).toISOString() }],
      },
    ]);
    channel.closeAll({ code: 1001, reason: 'server_closing' });
  });

  it('sends nothing for an admission from the waiting room', async () => {
    const gate = new ManualGate();
    const feed = new ManualFeed();
    const channel = channelOver(gate, feed);
    const socket = new RecordingSocket();
    channel.add(socket);
    await until(() => socket.sent.length === 1);
    feed.listener?.([
      { type: 'queue_admitted', eventId: 'ev', atMs: 0, userId: 'u', joinedAtMs: 0, passExpiresAtMs: 1 },
    ]);
    // Past the first flush's turn: without a change to show, nothing went out; then a placement does.
    await new Promise((resolve) => setTimeout(resolve, 20));
    feed.listener?.([placedEntry('A-1-3')]);
    await until(() => socket.sent.some((raw) => JSON.parse(raw.toString()).type === 'seats'));
    expect(socket.sent.map((raw) => JSON.parse(raw.toString()).type)).toEqual([
      'snapshot',
      'availability',
      'seats',
    ]);
    channel.closeAll({ code: 1001, reason: 'server_closing' });
  });
});
