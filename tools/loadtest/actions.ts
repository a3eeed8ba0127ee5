// What a simulated user does — hold, retry a hold, confirm, release — each as one timed request whose
// outcome goes to the recorder and whose 2xx goes to the tally.
import type { HttpAnswer, HttpTarget, Method } from './http-target.js';
import { type Outcome, outcomeOf } from './outcome.js';
import type { OperationKind, Recorder } from './recorder.js';
import type { AcceptedHold, ClaimedItem, Tally, TicketSeen } from './tally.js';

export interface HoldBody {
  readonly userId: string;
  readonly quantity?: number;
  readonly poolId?: string;
  readonly sectionId?: string;
  readonly seats?: readonly string[];
}

/** A placement's answer: the hold the server accepted, or why not (`sold_out`, `503`, `network …`). */
export type Placement = { readonly hold: AcceptedHold } | { readonly refusal: Outcome };

export class Actions {
  readonly #target: HttpTarget;
  readonly #recorder: Recorder;
  readonly #tally: Tally;
  readonly #eventId: string;
  /** Aborts requests still in flight when the run's hard time limit passes. */
  readonly #signal: AbortSignal;

  constructor(target: HttpTarget, recorder: Recorder, tally: Tally, eventId: string, signal: AbortSignal) {
    this.#target = target;
    this.#recorder = recorder;
    this.#tally = tally;
    this.#eventId = eventId;
    this.#signal = signal;
  }

  /** `queuePass`: the buyer's pass, for an event with a waiting room. */
  async placeHold(body: HoldBody, idempotencyKey?: string, queuePass?: string): Promise<Placement> {
    const placed = await this.#place('hold', body, idempotencyKey, queuePass);
    if ('hold' in placed) this.#tally.holdAccepted(placed.hold);
    return placed;
  }

  /** The same request again with the same key, as a client does when the first answer got lost. */
  async retryHold(original: AcceptedHold, body: HoldBody, idempotencyKey: string): Promise<void> {
    const placed = await this.#place('hold-retry', body, idempotencyKey);
    if ('hold' in placed) this.#tally.retryAnswered(original.id, placed.hold);
    else if (placed.refusal.class === 'refused') {
      // The key names an accepted hold: a retry must get that hold back, never a refusal.
      this.#tally.problems.push(
        `a retry of hold ${original.id} with its Idempotency-Key got ${placed.refusal.key}`,
      );
    }
  }

  async confirmHold(hold: AcceptedHold): Promise<void> {
    const { answer, outcome } = await this.#send('confirm', 'POST', `/v1/holds/${hold.id}/confirm`);
    if (outcome.class !== 'ok' || answer.kind !== 'answer') return;
    const order = orderOf(answer.body);
    if (order === undefined) this.#tally.problems.push(`confirming ${hold.id} answered 2xx without an order`);
    else this.#tally.confirmed({ ...order, holdId: order.holdId ?? hold.id });
  }

  async releaseHold(hold: AcceptedHold): Promise<void> {
    const { outcome, sentAtMs } = await this.#send('release', 'DELETE', `/v1/holds/${hold.id}`);
    // A release lost on the network may have happened all the same: only a refusal says it did not.
    if (outcome.class !== 'refused') this.#tally.released(hold.id, sentAtMs);
  }

  /** Joins the event's waiting room (open mode names the buyer with userId); the answer's body when 2xx. */
  async joinQueue(userId: string): Promise<{ view: unknown; sentAtMs: number; receivedAtMs: number }> {
    const path = `/v1/events/${this.#eventId}/queue`;
    const { answer, outcome, sentAtMs, receivedAtMs } = await this.#send('queue-join', 'POST', path, {
      userId,
    });
    const view = outcome.class === 'ok' && answer.kind === 'answer' ? answer.body : undefined;
    return { view, sentAtMs, receivedAtMs };
  }

  /** The buyer's place in the waiting room; undefined unless 2xx. */
  async queueStatus(userId: string): Promise<unknown> {
    const path = `/v1/events/${this.#eventId}/queue/me?userId=${encodeURIComponent(userId)}`;
    const { answer, outcome } = await this.#send('queue-status', 'GET', path);
    return outcome.class === 'ok' && answer.kind === 'answer' ? answer.body : undefined;
  }

  async #place(
    kind: OperationKind,
    body: HoldBody,
    idempotencyKey: string | undefined,
    queuePass?: string,
  ): Promise<Placement> {
    const headers: Record<string, string> = {
      ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
      ...(queuePass === undefined ? {} : { 'queue-pass': queuePass }),
    };
    const path = `/v1/events/${this.#eventId}/holds`;
    const { answer, outcome, sentAtMs, receivedAtMs } = await this.#send(kind, 'POST', path, body, headers);
    if (outcome.class !== 'ok' || answer.kind !== 'answer') return { refusal: outcome };
    const hold = holdOf(answer.body, sentAtMs, receivedAtMs);
    if (hold === undefined) {
      this.#tally.problems.push(`a hold answered ${outcome.key} without a valid hold in its body`);
      return { refusal: outcome };
    }
    return { hold };
  }

  async #send(
    kind: OperationKind,
    method: Method,
    path: string,
    body?: unknown,
    headers?: Readonly<Record<string, string>>,
  ): Promise<{ answer: HttpAnswer; outcome: Outcome; sentAtMs: number; receivedAtMs: number }> {
    const sentAtMs = performance.now();
    const answer = await this.#target.send(method, path, body, headers, this.#signal);
    const receivedAtMs = performance.now();
    const outcome = outcomeOf(answer);
    this.#recorder.record(kind, outcome, (receivedAtMs - sentAtMs) * 1000, receivedAtMs);
    return { answer, outcome, sentAtMs, receivedAtMs };
  }
}

function holdOf(body: unknown, sentAtMs: number, receivedAtMs: number): AcceptedHold | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { id, items, createdAt, expiresAt } = body as Record<string, unknown>;
  if (typeof id !== 'string' || !Array.isArray(items) || typeof createdAt !== 'string') return undefined;
  const ttlMs = typeof expiresAt === 'string' ? Date.parse(expiresAt) - Date.parse(createdAt) : Number.NaN;
  const claimed = items.map(claimedItemOf);
  if (!Number.isFinite(ttlMs) || claimed.some((item) => item === undefined)) return undefined;
  return { id, items: claimed as ClaimedItem[], sentAtMs, receivedAtMs, ttlMs, ending: undefined };
}

function claimedItemOf(item: unknown): ClaimedItem | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const { seatId, poolId, quantity } = item as Record<string, unknown>;
  if (typeof seatId === 'string') return { seatId, quantity: 1 };
  if (typeof poolId === 'string' && typeof quantity === 'number') return { poolId, quantity };
  return undefined;
}

function orderOf(body: unknown): { orderId: string; holdId?: string; tickets: TicketSeen[] } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { orderId, holdId, tickets } = body as Record<string, unknown>;
  if (typeof orderId !== 'string' || !Array.isArray(tickets)) return undefined;
  const seen: TicketSeen[] = [];
  for (const ticket of tickets) {
    if (typeof ticket !== 'object' || ticket === null) return undefined;
    const { id, seatId, poolId } = ticket as Record<string, unknown>;
    if (typeof id !== 'string') return undefined;
    seen.push({
      id,
      ...(typeof seatId === 'string' ? { seatId } : {}),
      ...(typeof poolId === 'string' ? { poolId } : {}),
    });
  }
  return { orderId, ...(typeof holdId === 'string' ? { holdId } : {}), tickets: seen };
}
