// What the fault tests share: a bounded load of holds, confirms and releases spread over the API processes,
// the record of every 2xx it got, and the check, after recovery, that each of them is still there.
// A client that finds an API process gone (no HTTP answer) sends the rest of its requests to the others, as a
// load balancer would; a change sent without an answer, or answered 503, may or may not have happened.
import { setTimeout as sleep } from 'node:timers/promises';
import { eventBody } from '../../support/embedded.js';
import type { HttpResult, httpClient } from '../../support/http.js';

type Client = ReturnType<typeof httpClient>;
export type HoldStatus = 'held' | 'confirmed' | 'released';

/** An event no load of these tests sells out: a pool and a section of numbered seats. */
export function faultEventBody(eventId: string) {
  return eventBody(eventId, {
    holdTtlSeconds: 3_600,
    maxPerUser: 10,
    pools: [{ id: 'ga', capacity: 100_000, price: 4500 }],
    sections: [
      { id: 'A', price: 9900, rows: Array.from({ length: 50 }, (_, i) => ({ id: `${i + 1}`, seats: 60 })) },
    ],
  });
}

export interface AcknowledgedHold {
  readonly id: string;
  readonly items: readonly { quantity: number }[];
  readonly placedAtMs: number;
  /** The last status a 2xx answered. */
  status: HoldStatus;
  orderId?: string;
  /** An ending sent without a 2xx answer (none, or 503): it may or may not have happened. */
  unanswered?: HoldStatus;
}

export interface Failure {
  readonly request: 'hold' | HoldStatus;
  readonly api: number;
  readonly atMs: number;
  /** The HTTP answer; absent when there was none (connection refused or cut). */
  readonly status?: number;
  readonly code?: string;
  readonly error?: string;
}

export interface SaleLoadOptions {
  readonly apis: readonly Client[];
  readonly eventId: string;
  /** Concurrent clients, each one request after another. */
  readonly clients?: number;
  /** A client's pause between two holds: keeps the load small on two shared cores. */
  readonly thinkMs?: number;
  /** Hard bounds, whether or not stop() comes. */
  readonly holdsPerClientMax?: number;
  readonly durationMsMax?: number;
}

/** A pause after a failed request, so that an outage is not a busy loop. */
const FAILURE_PAUSE_MS = 25;
/** GETs of the check in flight at once. */
const CHECKS_CONCURRENT = 16;

export class SaleLoad {
  readonly acknowledged = new Map<string, AcknowledgedHold>();
  readonly failures: Failure[] = [];
  readonly #options: Required<SaleLoadOptions>;
  /** API processes that did not answer: not asked again. */
  readonly #gone = new Set<number>();
  readonly #done: Promise<void>;
  #stopping = false;

  constructor(options: SaleLoadOptions) {
    this.#options = { clients: 12, thinkMs: 40, holdsPerClientMax: 400, durationMsMax: 40_000, ...options };
    const deadline = Date.now() + this.#options.durationMsMax;
    const clients = Array.from({ length: this.#options.clients }, (_, c) => this.#client(c, deadline));
    this.#done = Promise.all(clients).then(() => undefined);
  }

  /** Ends every client after its request in hand. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#done;
  }

  /** Holds acknowledged (201) in [fromMs, toMs). */
  placedBetween(fromMs: number, toMs = Number.POSITIVE_INFINITY): number {
    let count = 0;
    for (const hold of this.acknowledged.values())
      if (hold.placedAtMs >= fromMs && hold.placedAtMs < toMs) count++;
    return count;
  }

  /** Waits until `count` more holds than now are acknowledged. */
  async untilPlaced(count: number, timeoutMs = 20_000): Promise<void> {
    const target = this.acknowledged.size + count;
    const deadline = Date.now() + timeoutMs;
    while (this.acknowledged.size < target) {
      if (Date.now() > deadline)
        throw new Error(`only ${this.acknowledged.size} of ${target} holds acknowledged`);
      await sleep(20);
    }
  }

  async #client(c: number, deadline: number): Promise<void> {
    const holdsPath = `/v1/events/${this.#options.eventId}/holds`;
    for (let n = 0; n < this.#options.holdsPerClientMax && !this.#stopping && Date.now() < deadline; n++) {
      await sleep(this.#options.thinkMs);
      const userId = `c${c}-${n}`;
      const body =
        n % 4 === 1
          ? { userId, quantity: 2, sectionId: 'A' }
          : { userId, quantity: 1 + (n % 3), poolId: 'ga' };
      const placed = await this.#send(c + n, 'hold', 'POST', holdsPath, body);
      if (placed === undefined) continue;
      const hold: AcknowledgedHold = {
        id: placed.id,
        items: placed.items,
        placedAtMs: Date.now(),
        status: 'held',
      };
      this.acknowledged.set(hold.id, hold);
      // Two in five confirmed, one in five released, the rest left held; the ending goes to another process.
      const fate = (c + n) % 5 < 2 ? 'confirmed' : (c + n) % 5 === 2 ? 'released' : undefined;
      if (fate === undefined) continue;
      const path = fate === 'confirmed' ? `/v1/holds/${hold.id}/confirm` : `/v1/holds/${hold.id}`;
      hold.unanswered = fate;
      const ended = await this.#send(c + n + 1, fate, fate === 'confirmed' ? 'POST' : 'DELETE', path);
      if (ended === undefined) continue;
      hold.status = fate;
      hold.orderId = ended.orderId;
      hold.unanswered = undefined;
    }
  }

  /** The 2xx body, or undefined after recording the failure. */
  async #send(
    turn: number,
    request: Failure['request'],
    method: string,
    path: string,
    body?: unknown,
  ): Promise<any> {
    const api = this.#pick(turn);
    if (api === undefined) {
      // Every API process is gone: nothing left to load.
      this.#stopping = true;
      return undefined;
    }
    let result: HttpResult;
    try {
      result = await (this.#options.apis[api] as Client).send(method, path, body);
    } catch (error) {
      this.#gone.add(api);
      this.failures.push({ request, api, atMs: Date.now(), error: (error as Error).message });
      return undefined;
    }
    if (result.status < 300) return result.body;
    const code = result.body?.error?.code;
    this.failures.push({ request, api, atMs: Date.now(), status: result.status, code });
    await sleep(FAILURE_PAUSE_MS);
    return undefined;
  }

  #pick(turn: number): number | undefined {
    const { length } = this.#options.apis;
    for (let i = 0; i < length; i++) if (!this.#gone.has((turn + i) % length)) return (turn + i) % length;
    return undefined;
  }
}

/** Problems of acknowledged holds that are missing or changed, and the tickets the store must hold. */
export async function checkAcknowledged(
  client: Client,
  holds: Iterable<AcknowledgedHold>,
): Promise<{ problems: string[]; tickets: number }> {
  const problems: string[] = [];
  let tickets = 0;
  const check = async (hold: AcknowledgedHold) => {
    const found = await client.send('GET', `/v1/holds/${hold.id}`);
    const allowed = [hold.status, hold.unanswered];
    if (found.status !== 200) return void problems.push(`${hold.id}: GET answered ${found.status}`);
    if (!allowed.includes(found.body.status))
      return void problems.push(`${hold.id}: ${found.body.status}, acknowledged ${hold.status}`);
    if (JSON.stringify(found.body.items) !== JSON.stringify(hold.items))
      problems.push(
        `${hold.id}: items ${JSON.stringify(found.body.items)}, acknowledged ${JSON.stringify(hold.items)}`,
      );
    if (found.body.status !== 'confirmed') return;
    if (hold.orderId !== undefined && found.body.orderId !== hold.orderId)
      problems.push(`${hold.id}: order ${found.body.orderId}, acknowledged ${hold.orderId}`);
    const count = hold.items.reduce((sum, item) => sum + item.quantity, 0);
    tickets += count;
    const order = await client.send('GET', `/v1/orders/${found.body.orderId}`);
    if (order.status !== 200)
      problems.push(`${hold.id}: order ${found.body.orderId} answered ${order.status}`);
    else if (order.body.tickets.length !== count)
      problems.push(`${hold.id}: ${order.body.tickets.length} tickets for ${count} items`);
  };
  const all = [...holds];
  for (let start = 0; start < all.length; start += CHECKS_CONCURRENT)
    await Promise.all(all.slice(start, start + CHECKS_CONCURRENT).map(check));
  return { problems, tickets };
}
