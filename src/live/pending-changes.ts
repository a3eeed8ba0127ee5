// What a flush will tell the clients of one event: the latest status of each changed seat and how many
// entries of each kind arrived. Applying an entry costs a counter and one Map.set per seat, and a seat that
// changes a thousand times between two flushes is one line of the next message.
import { isHoldEntry, type LogEntry } from '../domain/log-entry.js';
import type { SeatStatus } from '../domain/types.js';
import { type Activity, type Offer, seatStatusAfter } from './messages.js';

export class PendingChanges {
  // Two maps used in turn, so taking the changes allocates nothing: one is being sent while the other fills.
  #seats = new Map<string, SeatStatus>();
  #spare = new Map<string, SeatStatus>();
  #activity: Activity = { placed: 0, confirmed: 0, released: 0, expired: 0, extended: 0 };
  #entries = 0;
  /** Waitlist offers since the last take: at most one per unit of stock returned meanwhile. */
  #offers: Offer[] = [];

  /** True when entries arrived since the last take(). */
  get dirty(): boolean {
    return this.#entries > 0;
  }

  apply(entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      // An admission from the waiting room changes nothing a live client of the event is shown.
      if (entry.type === 'queue_admitted') continue;
      this.#entries += 1;
      if (!isHoldEntry(entry)) continue;
      this.#count(entry.type);
      if (entry.type === 'hold_placed' && entry.offer !== undefined)
        this.#offers.push({
          entryId: entry.offer.id,
          holdId: entry.hold.id,
          expiresAt: new Date(entry.hold.expiresAtMs).toISOString(),
        });
      const status = seatStatusAfter(entry.type);
      for (const item of entry.hold.items)
        if (item.seatId !== undefined) this.#seats.set(item.seatId, status);
    }
  }

  /**
   * Hands over what accumulated and starts afresh. The returned map is valid until the next take(): the
   * caller serialises it at once.
   */
  take(): {
    readonly seats: ReadonlyMap<string, SeatStatus>;
    readonly activity: Activity;
    readonly offers: readonly Offer[];
  } {
    const seats = this.#seats;
    const activity = this.#activity;
    const offers = this.#offers;
    this.#offers = [];
    this.#seats = this.#spare;
    this.#seats.clear();
    this.#spare = seats;
    this.#activity = { placed: 0, confirmed: 0, released: 0, expired: 0, extended: 0 };
    this.#entries = 0;
    return { seats, activity, offers };
  }

  #count(type: LogEntry['type']): void {
    if (type === 'hold_placed') this.#activity.placed++;
    else if (type === 'hold_confirmed') this.#activity.confirmed++;
    else if (type === 'hold_released' || type === 'order_cancelled') this.#activity.released++;
    else if (type === 'hold_extended') this.#activity.extended++;
    else this.#activity.expired++;
  }
}
