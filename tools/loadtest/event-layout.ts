// The event a run loads: created from --seats and --capacity, or read from the server with --event.
// Scenarios see only its layout: pools with their capacity, sections with their rows, the limits.

export interface EventLayout {
  readonly eventId: string;
  /** Created by this run (false: an existing event named by --event). */
  readonly created: boolean;
  /** All units of the event: pool capacities plus numbered seats. */
  readonly capacity: number;
  readonly holdTtlSeconds: number;
  readonly maxPerUser: number;
  readonly pools: readonly { readonly id: string; readonly capacity: number }[];
  readonly sections: readonly SectionLayout[];
}

export interface SectionLayout {
  readonly id: string;
  readonly rows: readonly { readonly id: string; readonly seats: number }[];
}

/** Seats of a created event are laid out in rows of 25 and sections of 20 rows, so 200,000 seats fit
 *  in 400 sections, below the API's 500. */
const SEATS_PER_ROW = 25;
const ROWS_PER_SECTION = 20;
/** The flash-sale rule of "4 per customer"; quantities of the scenarios go up to it. */
export const CREATED_EVENT_MAX_PER_USER = 4;
export const POOL_ID = 'ga';
const POOL_PRICE = 4_500;
const SEAT_PRICE = 9_900;

export function createdLayout(
  eventId: string,
  seats: number,
  capacity: number,
  holdTtlSeconds: number,
): EventLayout {
  return {
    eventId,
    created: true,
    capacity: seats + capacity,
    holdTtlSeconds,
    maxPerUser: CREATED_EVENT_MAX_PER_USER,
    pools: capacity > 0 ? [{ id: POOL_ID, capacity }] : [],
    sections: seatMap(seats),
  };
}

export function seatMap(seats: number): SectionLayout[] {
  const sections: SectionLayout[] = [];
  const perSection = SEATS_PER_ROW * ROWS_PER_SECTION;
  for (let first = 0; first < seats; first += perSection) {
    const inSection = Math.min(perSection, seats - first);
    const rows = [];
    for (let seat = 0, row = 1; seat < inSection; seat += SEATS_PER_ROW, row++) {
      rows.push({ id: String(row), seats: Math.min(SEATS_PER_ROW, inSection - seat) });
    }
    sections.push({ id: `S${sections.length + 1}`, rows });
  }
  return sections;
}

/** The body of POST /v1/events for a created layout. */
export function eventDefinition(layout: EventLayout, scenario: string) {
  return {
    id: layout.eventId,
    name: `Load test (${scenario})`,
    venue: 'boxoffice load test',
    startsAt: '2030-01-01T20:00:00Z',
    holdTtlSeconds: layout.holdTtlSeconds,
    maxPerUser: layout.maxPerUser,
    pools: layout.pools.map((pool) => ({ ...pool, name: 'General admission', price: POOL_PRICE })),
    sections: layout.sections.map((section) => ({
      ...section,
      name: `Section ${section.id}`,
      price: SEAT_PRICE,
    })),
  };
}

/** The first `count` seat ids of the layout, row by row: `S1-1-1`, `S1-1-2`, … */
export function firstSeatIds(layout: EventLayout, count: number): string[] {
  const ids: string[] = [];
  for (const section of layout.sections) {
    for (const row of section.rows) {
      for (let seat = 1; seat <= row.seats; seat++) {
        if (ids.length === count) return ids;
        ids.push(`${section.id}-${row.id}-${seat}`);
      }
    }
  }
  return ids;
}

/** The layout of an existing event from GET /v1/events/:id; throws when the answer does not look like one. */
export function layoutFromEventView(eventId: string, view: unknown): EventLayout {
  const event = asRecord(view, 'event');
  const pools = asArray(event.pools, 'pools').map((pool) => {
    const record = asRecord(pool, 'pool');
    return { id: asString(record.id, 'pool id'), capacity: asNumber(record.capacity, 'pool capacity') };
  });
  const sections = asArray(event.sections, 'sections').map((section) => {
    const record = asRecord(section, 'section');
    const rows = asArray(record.rows, 'rows').map((row) => {
      const rowRecord = asRecord(row, 'row');
      return { id: asString(rowRecord.id, 'row id'), seats: asNumber(rowRecord.seats, 'row seats') };
    });
    return { id: asString(record.id, 'section id'), rows };
  });
  return {
    eventId,
    created: false,
    capacity: asNumber(event.capacity, 'capacity'),
    holdTtlSeconds: asNumber(event.holdTtlSeconds, 'holdTtlSeconds'),
    maxPerUser: asNumber(event.maxPerUser, 'maxPerUser'),
    pools,
    sections,
  };
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw shapeError(what);
  return value as Record<string, unknown>;
}

function asArray(value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw shapeError(what);
  return value;
}

function asString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw shapeError(what);
  return value;
}

function asNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw shapeError(what);
  return value;
}

function shapeError(what: string): Error {
  return new Error(`The event's description has no valid ${what}; is --url a boxoffice server?`);
}
