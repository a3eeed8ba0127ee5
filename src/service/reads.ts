// The read side as the HTTP side asks it: orders, tickets, counts and revenue, and a buyer's holds and orders,
// answered by the store (in the distributed shape it may lag the gate by the projection delay). Whether an
// event exists is the gate's word, as for every other route of an event.
import type { Hold, Order, Ticket } from '../domain/types.js';
import type { Gate } from '../gate/gate.js';
import type { EventRevenue, EventStats, Page, Store } from '../store/store.js';

export type ReadStore = Pick<
  Store,
  | 'getOrder'
  | 'getTicket'
  | 'listTickets'
  | 'eventStats'
  | 'venueRevenue'
  | 'listBuyerHolds'
  | 'listBuyerOrders'
>;

export interface ReadsDeps {
  readonly gate: Pick<Gate, 'eventState'>;
  readonly store: ReadStore;
  readonly clock?: () => number;
}

export class Reads {
  readonly #gate: ReadsDeps['gate'];
  readonly #store: ReadStore;
  readonly #clock: () => number;

  constructor(deps: ReadsDeps) {
    this.#gate = deps.gate;
    this.#store = deps.store;
    this.#clock = deps.clock ?? Date.now;
  }

  order(orderId: string): Promise<Order | undefined> {
    return this.#store.getOrder(orderId);
  }

  ticket(ticketId: string): Promise<Ticket | undefined> {
    return this.#store.getTicket(ticketId);
  }

  /** A page of the event's tickets; undefined for an event the gate does not know. */
  async eventTickets(eventId: string, limit: number, cursor?: string): Promise<Page<Ticket> | undefined> {
    if ((await this.#gate.eventState(eventId)) === undefined) return undefined;
    return this.#store.listTickets(eventId, limit, cursor);
  }

  eventStats(eventId: string): Promise<EventStats | undefined> {
    return this.#store.eventStats(eventId);
  }

  venueRevenue(venue: string): Promise<EventRevenue[]> {
    return this.#store.venueRevenue(venue);
  }

  /** The buyer's holds that are live now. */
  buyerHolds(userId: string, limit: number, cursor?: string): Promise<Page<Hold>> {
    return this.#store.listBuyerHolds(userId, this.#clock(), limit, cursor);
  }

  buyerOrders(userId: string, limit: number, cursor?: string): Promise<Page<Order>> {
    return this.#store.listBuyerOrders(userId, limit, cursor);
  }
}
