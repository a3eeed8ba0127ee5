// A live client for tests: a `ws` WebSocket that records every message and derives the seat map and the
// counts from them, as the page does.
import WebSocket from 'ws';
import type { AvailabilityMessage, LiveMessage, SnapshotMessage } from '../../src/live/messages.js';

export class LiveClient {
  readonly socket: WebSocket;
  readonly messages: LiveMessage[] = [];
  /** seat id → status, from the snapshot and every seats message since. */
  readonly seats = new Map<string, string>();
  counts: SnapshotMessage | AvailabilityMessage | undefined;
  readonly snapshot: Promise<SnapshotMessage>;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    let gotSnapshot: (message: SnapshotMessage) => void = () => {};
    this.snapshot = new Promise((resolve) => {
      gotSnapshot = resolve;
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as LiveMessage;
      this.messages.push(message);
      if (message.type === 'seats') {
        for (const change of message.changes) this.seats.set(change.id, change.status);
        return;
      }
      if (message.type === 'offers') return;
      this.counts = message;
      if (message.type === 'snapshot') {
        for (const seat of decodeSeats(message)) this.seats.set(seat.id, seat.status);
        gotSnapshot(message);
      }
    });
  }

  /** Opens a connection; rejects with the HTTP status when the server refuses the upgrade. */
  static open(url: string, options: WebSocket.ClientOptions = {}): Promise<LiveClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, options);
      socket.once('open', () => resolve(new LiveClient(socket)));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on('end', () =>
          reject(Object.assign(new Error('refused'), { status: response.statusCode, body })),
        );
      });
      socket.once('error', reject);
    });
  }

  count(type: LiveMessage['type']): number {
    return this.messages.filter((message) => message.type === type).length;
  }

  /** The seat map as GET /v1/events/:id/seats lists it, in the snapshot's order. */
  seatList(): { id: string; status: string }[] {
    return [...this.seats].map(([id, status]) => ({ id, status }));
  }

  close(): void {
    this.socket.close();
  }
}

const STATUS_OF_BYTE: Readonly<Record<string, string>> = { '0': 'available', h: 'held', s: 'sold' };

/** A snapshot's seats as GET /seats lists them: one character per seat in the definition's seat order. */
export function decodeSeats(snapshot: SnapshotMessage): { id: string; status: string }[] {
  const seats: { id: string; status: string }[] = [];
  for (const section of snapshot.event.sections)
    for (const row of section.rows)
      for (let n = 1; n <= row.seats; n++) {
        const character = snapshot.seatStates[seats.length] as string;
        seats.push({ id: `${section.id}-${row.id}-${n}`, status: STATUS_OF_BYTE[character] ?? '?' });
      }
  if (seats.length !== snapshot.seatStates.length) throw new Error('seatStates does not fit the layout');
  return seats;
}

/** Polls condition every 20 ms until it holds; fails after timeoutMs. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function liveUrl(baseUrl: string, eventId: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/v1/events/${encodeURIComponent(eventId)}/live`;
}
