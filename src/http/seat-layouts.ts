// The seat layout of an event as clients read it (GET /v1/events/:id/seat-layout): sections and rows in seat
// order with the offset of their first seat in the seat map, so that one byte per seat (seat-states) can be
// read without a seat id. An event's layout never changes, so it is derived and serialised once per event.
import { createHash } from 'node:crypto';
import type { EventSpec } from '../domain/types.js';
import type { EventCatalog } from '../service/event-catalog.js';

export interface RowView {
  readonly id: string;
  /** Offset of the row's seat 1 in the seat map; seat n is at start + n - 1. */
  readonly start: number;
  readonly seats: number;
}

export interface SectionView {
  readonly id: string;
  readonly name: string;
  readonly price: number;
  readonly start: number;
  readonly count: number;
  readonly rows: readonly RowView[];
}

export interface SeatLayout {
  readonly eventId: string;
  readonly seatCount: number;
  readonly sections: readonly SectionView[];
}

export interface CachedLayout {
  readonly layout: SeatLayout;
  readonly sections: ReadonlyMap<string, SectionView>;
  /** The layout as JSON, serialised once, and its strong ETag. */
  readonly json: string;
  readonly etag: string;
}

/**
 * Layouts kept in memory, oldest forgotten first. A layout is at most a few MB (200,000 seats in rows of one)
 * and usually a few KB; the events on sale at once are far fewer than this.
 */
const LAYOUTS_CACHED_MAX = 100;

export function seatLayoutOf(spec: EventSpec): SeatLayout {
  let offset = 0;
  const sections = spec.sections.map((section) => {
    const start = offset;
    const rows = section.rows.map((row) => {
      const view = { id: row.id, start: offset, seats: row.seats };
      offset += row.seats;
      return view;
    });
    return { id: section.id, name: section.name, price: section.price, start, count: offset - start, rows };
  });
  return { eventId: spec.id, seatCount: offset, sections };
}

export class SeatLayouts {
  readonly #events: Pick<EventCatalog, 'eventState'>;
  readonly #cached = new Map<string, CachedLayout>();

  constructor(events: Pick<EventCatalog, 'eventState'>) {
    this.#events = events;
  }

  /** The event's layout, or undefined for an unknown event (which is not remembered). */
  async get(eventId: string): Promise<CachedLayout | undefined> {
    const known = this.#cached.get(eventId);
    if (known !== undefined) return known;
    const state = await this.#events.eventState(eventId);
    if (state === undefined) return undefined;
    const layout = seatLayoutOf(state.spec);
    const json = JSON.stringify(layout);
    const hash = createHash('sha256').update(json).digest('base64url').slice(0, 22);
    const cached: CachedLayout = {
      layout,
      sections: new Map(layout.sections.map((section) => [section.id, section])),
      json,
      etag: `"${hash}"`,
    };
    if (this.#cached.size >= LAYOUTS_CACHED_MAX)
      this.#cached.delete(this.#cached.keys().next().value as string);
    this.#cached.set(eventId, cached);
    return cached;
  }
}

/** Whether an If-None-Match header names this ETag (or `*`); weak comparison, as RFC 9110 asks for GET. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  for (const part of ifNoneMatch.split(',')) {
    const tag = part.trim();
    if (tag === '*' || tag === etag || tag === `W/${etag}`) return true;
  }
  return false;
}
