// The client's own record of what the server accepted: every hold that got a 2xx, how it ended as far as
// the client knows, and every confirmed order. checkTally (tally-check.ts) then asks whether those answers
// could all be true at once — the server's audit checks itself, this checks what it told its users.
// Times are the client's clock (performance.now() ms), the same clock for every request of the run.

export interface ClaimedItem {
  readonly seatId?: string;
  readonly poolId?: string;
  readonly quantity: number;
}

export type HoldEnding =
  | { readonly kind: 'confirmed'; readonly orderId: string }
  /** A release was sent: the hold may have ended as early as the moment it was sent. */
  | { readonly kind: 'released'; readonly requestedAtMs: number };

export interface AcceptedHold {
  readonly id: string;
  readonly items: readonly ClaimedItem[];
  /** The request left the client: the server cannot have placed the hold earlier. */
  readonly sentAtMs: number;
  /** The 2xx arrived: the server had placed the hold by then. */
  readonly receivedAtMs: number;
  /** expiresAt minus createdAt, on the server's clock. */
  readonly ttlMs: number;
  ending: HoldEnding | undefined;
}

export interface TicketSeen {
  readonly id: string;
  readonly seatId?: string;
  readonly poolId?: string;
}

export interface ConfirmedOrder {
  readonly orderId: string;
  readonly holdId: string;
  readonly tickets: readonly TicketSeen[];
}

export class Tally {
  readonly holds = new Map<string, AcceptedHold>();
  readonly orders = new Map<string, ConfirmedOrder>();
  /** Answers that contradict each other on their own (a retry that got a second hold, an order that changed). */
  readonly problems: string[] = [];
  retries = 0;

  holdAccepted(hold: AcceptedHold): void {
    if (this.holds.has(hold.id)) {
      this.problems.push(
        `hold ${hold.id} was returned for two different requests without an Idempotency-Key`,
      );
      return;
    }
    this.holds.set(hold.id, hold);
  }

  /** A retry with the same Idempotency-Key and body must name the hold of the first answer. */
  retryAnswered(originalId: string, retry: AcceptedHold): void {
    this.retries++;
    if (retry.id === originalId) return;
    this.problems.push(
      `a retry of hold ${originalId} with its Idempotency-Key got another hold, ${retry.id}`,
    );
    this.holdAccepted(retry);
  }

  released(holdId: string, requestedAtMs: number): void {
    const hold = this.holds.get(holdId);
    if (hold === undefined || hold.ending?.kind === 'confirmed') return;
    hold.ending = { kind: 'released', requestedAtMs };
  }

  confirmed(order: ConfirmedOrder): void {
    const hold = this.holds.get(order.holdId);
    if (hold === undefined) {
      this.problems.push(`order ${order.orderId} names hold ${order.holdId}, which no answer accepted`);
      return;
    }
    const known = this.orders.get(order.orderId);
    if (hold.ending?.kind === 'confirmed' && hold.ending.orderId !== order.orderId) {
      this.problems.push(
        `hold ${hold.id} was confirmed twice, as ${hold.ending.orderId} and ${order.orderId}`,
      );
    }
    if (known !== undefined && !sameTickets(known, order)) {
      this.problems.push(`order ${order.orderId} came back with other tickets`);
    }
    hold.ending = { kind: 'confirmed', orderId: order.orderId };
    this.orders.set(order.orderId, order);
  }
}

function sameTickets(a: ConfirmedOrder, b: ConfirmedOrder): boolean {
  const ids = (order: ConfirmedOrder) => order.tickets.map((ticket) => ticket.id).join(',');
  return ids(a) === ids(b);
}

/** Seats and units of counted stock a hold claims. */
export function unitsOf(items: readonly ClaimedItem[]): number {
  return items.reduce((sum, item) => sum + (item.seatId === undefined ? item.quantity : 1), 0);
}
