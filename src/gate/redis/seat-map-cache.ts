// The last seat map read per event: readers of one version share it (see RedisGate.seatMap).
import type { SeatMap } from '../gate.js';

/**
 * Seat maps remembered per instance, oldest forgotten first: at most 200 KB each (200,000 seats), so at most
 * ~50 MB, and more events than this are seldom watched at once. A forgotten one costs one full read.
 */
const SEAT_MAPS_CACHED_MAX = 256;

export class SeatMapCache {
  readonly #maps = new Map<string, SeatMap>();

  get(eventId: string): SeatMap | undefined {
    return this.#maps.get(eventId);
  }

  set(eventId: string, map: SeatMap): void {
    this.#maps.delete(eventId);
    if (this.#maps.size >= SEAT_MAPS_CACHED_MAX) this.#maps.delete(this.#maps.keys().next().value as string);
    this.#maps.set(eventId, map);
  }
}
