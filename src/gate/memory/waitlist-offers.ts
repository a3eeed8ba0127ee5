// Offers of the memory gate: stock that an ending returned goes, in the same synchronous step, to the first
// buyers in line whose requests fit (domain/waitlist.ts).
import { pickBestAvailable } from '../../domain/best-available.js';
import { newHold } from '../../domain/hold.js';
import { WAITLIST_OFFER_SCAN_MAX } from '../../domain/limits.js';
import type { HoldPlaced } from '../../domain/log-entry.js';
import type { HoldItem } from '../../domain/types.js';
import { lineOf, offerTtlSecondsOf, type WaitlistEntry } from '../../domain/waitlist.js';
import type { EventBook } from './event-book.js';

/**
 * Makes the offers the returned items allow, applying each (through `apply`) before looking for the next, and
 * returns their entries in order. Each line a returned item belongs to is served until nobody in its first
 * WAITLIST_OFFER_SCAN_MAX fits, at most one offer per unit returned (each offer takes at least one).
 */
export function makeOffers(
  book: EventBook,
  returned: readonly HoldItem[],
  nowMs: number,
  apply: (entry: HoldPlaced) => void,
): HoldPlaced[] {
  const made: HoldPlaced[] = [];
  if (!book.salesOpen || book.waitlist.size === 0) return made;
  const lines = new Set<string>();
  let units = 0;
  for (const item of returned) units += item.quantity;
  for (const item of returned)
    lines.add(item.poolId !== undefined ? `p:${item.poolId}` : `s:${item.seatId?.split('-')[0]}`);
  for (const key of lines) {
    for (let served = 0; served < units; served++) {
      const offer = nextOffer(book, key, nowMs);
      if (offer === undefined) break;
      apply(offer);
      made.push(offer);
    }
  }
  return made;
}

function nextOffer(book: EventBook, key: string, nowMs: number): HoldPlaced | undefined {
  const line = book.waitlist.line(key);
  const scanned = Math.min(line.length, WAITLIST_OFFER_SCAN_MAX);
  for (let i = 0; i < scanned; i++) {
    const waiter = line[i] as WaitlistEntry;
    if ((book.itemsByUser.get(waiter.userId) ?? 0) + waiter.quantity > book.spec.maxPerUser) continue;
    const items = itemsFor(book, waiter);
    if (items === undefined) continue;
    const hold = newHold(waiter.eventId, waiter.userId, items, nowMs, offerTtlSecondsOf(book.spec));
    return {
      type: 'hold_placed',
      eventId: waiter.eventId,
      atMs: nowMs,
      hold,
      offer: waiter,
      ...book.soldOutMark(waiter.quantity),
    };
  }
  return undefined;
}

/** What the waiter would get now, chosen as a placement chooses; undefined when it does not fit. */
function itemsFor(book: EventBook, waiter: WaitlistEntry): HoldItem[] | undefined {
  if (waiter.poolId !== undefined) {
    const pool = book.pools.get(waiter.poolId);
    if (pool === undefined || pool.available < waiter.quantity) return undefined;
    return [{ poolId: waiter.poolId, quantity: waiter.quantity, price: pool.price }];
  }
  const section = book.sections.get(lineOf(waiter).slice(2));
  if (section === undefined || section.counts.available < waiter.quantity) return undefined;
  const picked = pickBestAvailable(section.rows, waiter.quantity, book.isFree);
  return picked?.map((index) => ({
    seatId: book.seatIds[index] as string,
    quantity: 1,
    price: section.price,
  }));
}
