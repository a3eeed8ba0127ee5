// Reads of the store in the embedded shape answer only once the projection has applied everything that was
// durable when the read began, so a buyer sees their own confirmed order, ticket and counts at once. The
// wait is bounded: past it the read fails with 503 store_unavailable (retry) rather than answer stale.
// Writes and reads that do not come from the log (events, API keys) pass straight through.
import { DomainError } from '../../domain/errors.js';
import type { Store } from '../../store/store.js';

/** How long a read waits for the projection before it answers 503. */
export const READ_WAIT_MS = 5_000;

const WAITING = new Set<PropertyKey>([
  'getHold',
  'getOrder',
  'getTicket',
  'listTickets',
  'eventStats',
  'venueRevenue',
  'listBuyerHolds',
  'listBuyerOrders',
  'loadSnapshot',
]);

export function readYourWrites<S extends Store>(store: S, caughtUp: (boundMs: number) => Promise<void>): S {
  const methods = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property) {
      const cached = methods.get(property);
      if (cached !== undefined) return cached;
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      const wrapped = WAITING.has(property)
        ? async (...args: unknown[]) => {
            await caughtUp(READ_WAIT_MS).catch((error: unknown) => {
              throw new DomainError('store_unavailable', `${(error as Error).message} Retry shortly.`);
            });
            return method.apply(target, args);
          }
        : method.bind(target);
      methods.set(property, wrapped);
      return wrapped;
    },
  });
}
