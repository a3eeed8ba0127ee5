// What this instance remembers of each event: its layout (derived from the definition, which an admin may
// change on any instance) and the key lists the scripts take.
import type { EventSpec } from '../../domain/types.js';
import { eventKeys, idempotencyKeysOf } from './keys.js';
import { type EventLayout, layoutOf } from './layout.js';
import type { RedisClient } from './scripts.js';

interface ScriptKeys {
  /** The event's keys, in the order common.lua lists them. */
  readonly event: readonly string[];
  /** Those and the idempotency records: what place-11.lua takes. */
  readonly place: readonly string[];
}

export class EventLayouts {
  readonly #redis: RedisClient;
  readonly #layouts = new Map<string, EventLayout>();
  readonly #scriptKeys = new Map<string, ScriptKeys>();
  /** Event id → the change counter (`specv`) of the definition this instance's layout holds; absent: 0. */
  readonly #specVersions = new Map<string, number>();

  constructor(redis: RedisClient) {
    this.#redis = redis;
  }

  cached(eventId: string): EventLayout | undefined {
    return this.#layouts.get(eventId);
  }

  /** The event was created, or its definition changed, by this instance: shown here at once. */
  set(spec: EventSpec, layout: EventLayout = layoutOf(spec)): void {
    this.#layouts.set(spec.id, layout);
    this.#specVersions.delete(spec.id);
  }

  /**
   * The layout, read from Redis when not remembered; `rebuildMissing` is asked once when the event's keys
   * are missing (true: they are there now).
   */
  async load(
    eventId: string,
    rebuildMissing: (id: string) => Promise<boolean>,
  ): Promise<EventLayout | undefined> {
    const cached = this.#layouts.get(eventId);
    if (cached !== undefined) return cached;
    let json = await this.#redis.get(eventKeys(eventId).spec);
    if (json === null && (await rebuildMissing(eventId)))
      json = await this.#redis.get(eventKeys(eventId).spec);
    if (json === null) return undefined;
    const layout = layoutOf(JSON.parse(json) as EventSpec);
    this.#layouts.set(eventId, layout);
    return layout;
  }

  /**
   * The layout with the event's definition as changed by an admin, possibly on another instance: read again
   * when the change counter in the counts moved since this instance read it (the layout itself never changes).
   */
  async current(eventId: string, layout: EventLayout, version: number): Promise<EventLayout> {
    if ((this.#specVersions.get(eventId) ?? 0) === version) return layout;
    const json = await this.#redis.get(eventKeys(eventId).spec);
    if (json === null) return layout;
    const current = layoutOf(JSON.parse(json) as EventSpec);
    this.#layouts.set(eventId, current);
    this.#specVersions.set(eventId, version);
    return current;
  }

  /** The script keys of an event, built once per event: a request should not rebuild eight strings. */
  keys(eventId: string): readonly string[] {
    return this.#scriptKeysOf(eventId).event;
  }

  /** What place-11.lua takes: the event's keys and its idempotency records. */
  placeKeys(eventId: string): readonly string[] {
    return this.#scriptKeysOf(eventId).place;
  }

  /** The event's keys and the set of holds confirmed late: what confirm-9.lua takes with a payment. */
  lateKeys(eventId: string): readonly string[] {
    return [...this.keys(eventId), eventKeys(eventId).late];
  }

  #scriptKeysOf(eventId: string): ScriptKeys {
    let keys = this.#scriptKeys.get(eventId);
    if (keys === undefined) {
      const k = eventKeys(eventId);
      const event = [k.spec, k.seats, k.counts, k.holds, k.expiry, k.users, k.log, k.ended];
      keys = { event, place: [...event, ...idempotencyKeysOf(eventId)] };
      // Unknown ids come from clients: cache only events that exist (bounded by the events there are).
      if (this.#layouts.has(eventId)) this.#scriptKeys.set(eventId, keys);
    }
    return keys;
  }
}
