// Request and response schemas. They validate requests, compile the response serialisers and generate the
// OpenAPI document: one source, so the document cannot drift from what the server does.
import {
  HOLD_EXTENSION_SECONDS_MAX,
  HOLD_TTL_SECONDS_MAX,
  HOLD_TTL_SECONDS_MIN,
  ID_LENGTH_MAX,
  ITEMS_PER_HOLD_MAX,
  MAX_HOLD_SECONDS_MAX,
  MAX_PER_USER_MAX,
  NAME_LENGTH_MAX,
  OFFER_TTL_SECONDS_DEFAULT,
  PAGE_SIZE_MAX,
  PAYMENT_REFERENCE_LENGTH_MAX,
  POOL_CAPACITY_MAX,
  POOLS_PER_EVENT_MAX,
  PRICE_MAX,
  ROWS_PER_SECTION_MAX,
  SEAT_PART_LENGTH_MAX,
  SEATS_PER_ROW_MAX,
  SECTIONS_PER_EVENT_MAX,
} from '../domain/limits.js';
import { queueSpecBody } from './queue-schemas.js';

const id = { type: 'string', pattern: `^[A-Za-z0-9_-]{1,${ID_LENGTH_MAX}}$` } as const;
const seatPart = { type: 'string', pattern: `^[A-Za-z0-9_]{1,${SEAT_PART_LENGTH_MAX}}$` } as const;
const seatId = {
  type: 'string',
  pattern: `^[A-Za-z0-9_]{1,${SEAT_PART_LENGTH_MAX}}-[A-Za-z0-9_]{1,${SEAT_PART_LENGTH_MAX}}-[0-9]{1,4}$`,
  description: '`<section>-<row>-<n>`, e.g. `A-1-7`',
} as const;
/** User ids come from the ticketing platform: UUIDs, numbers, e-mail addresses. */
const userId = { type: 'string', pattern: `^[A-Za-z0-9_.:@+-]{1,${ID_LENGTH_MAX}}$` } as const;
/** Text PostgreSQL can store: no NUL and no unpaired surrogate (ajv compiles patterns with the `u` flag). */
const storable = '^[^\\u0000\\uD800-\\uDFFF]*$';
const name = { type: 'string', minLength: 1, maxLength: NAME_LENGTH_MAX, pattern: storable } as const;
const price = {
  type: 'integer',
  minimum: 0,
  maximum: PRICE_MAX,
  description: 'integer minor units',
} as const;
const count = { type: 'integer', minimum: 0 } as const;
const isoTime = { type: 'string', format: 'date-time' } as const;
/** Ids of holds, orders and tickets: `h.<eventId>.<random>` and derived forms. */
const resourceId = { type: 'string', minLength: 1, maxLength: 200, pattern: storable } as const;

export const errorBody = {
  $id: 'Error',
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        reason: {
          type: 'string',
          description:
            'Present where one code has causes a client must tell apart: `stock_taken` on hold_expired from a late confirm.',
        },
      },
    },
  },
} as const;
const errorRef = { $ref: 'Error#' } as const;

export function errors(...statuses: number[]): Record<number, typeof errorRef> {
  return Object.fromEntries(statuses.map((status) => [status, errorRef]));
}

const pool = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'capacity', 'price'],
  properties: { id, name, capacity: { type: 'integer', minimum: 1, maximum: POOL_CAPACITY_MAX }, price },
} as const;

const section = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'price', 'rows'],
  properties: {
    id: seatPart,
    name,
    price,
    rows: {
      type: 'array',
      minItems: 1,
      maxItems: ROWS_PER_SECTION_MAX,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'seats'],
        properties: { id: seatPart, seats: { type: 'integer', minimum: 1, maximum: SEATS_PER_ROW_MAX } },
      },
    },
  },
} as const;

export const createEventBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'venue', 'startsAt'],
  properties: {
    id,
    name,
    venue: name,
    startsAt: isoTime,
    holdTtlSeconds: { type: 'integer', minimum: HOLD_TTL_SECONDS_MIN, maximum: HOLD_TTL_SECONDS_MAX },
    maxPerUser: { type: 'integer', minimum: 1, maximum: MAX_PER_USER_MAX },
    maxHoldSeconds: {
      type: 'integer',
      minimum: HOLD_TTL_SECONDS_MIN,
      maximum: MAX_HOLD_SECONDS_MAX,
      description:
        'Longest life of a hold from its placement, however often it is extended; at least holdTtlSeconds. Default: twice holdTtlSeconds.',
    },
    offerTtlSeconds: {
      type: 'integer',
      minimum: HOLD_TTL_SECONDS_MIN,
      maximum: HOLD_TTL_SECONDS_MAX,
      description: `Claim window of a waitlist offer (the hold made for the first buyer in line when stock comes back). Default: ${OFFER_TTL_SECONDS_DEFAULT} (${OFFER_TTL_SECONDS_DEFAULT / 60} minutes).`,
    },
    pools: { type: 'array', maxItems: POOLS_PER_EVENT_MAX, items: pool },
    sections: { type: 'array', maxItems: SECTIONS_PER_EVENT_MAX, items: section },
    queue: {
      ...queueSpecBody,
      description: 'A waiting room in front of the sale (docs/queue.md); none: sells as is.',
    },
  },
} as const;

export const holdBody = {
  type: 'object',
  additionalProperties: false,
  required: ['userId'],
  description:
    'One of: `quantity` + `poolId` (counted stock), `seats` (exact seats), `quantity` + `sectionId` (best available).',
  properties: {
    userId,
    quantity: { type: 'integer', minimum: 1, maximum: ITEMS_PER_HOLD_MAX },
    poolId: id,
    sectionId: seatPart,
    seats: { type: 'array', minItems: 1, maxItems: ITEMS_PER_HOLD_MAX, uniqueItems: true, items: seatId },
  },
} as const;

export const waitlistBody = {
  type: 'object',
  additionalProperties: false,
  required: ['quantity'],
  description:
    "`quantity` with a `poolId` or a `sectionId` (best available when offered). `userId`: the buyer; a buyer token may leave it out (it is the token's buyer), a sales key, admin or open mode names it.",
  properties: {
    userId,
    quantity: { type: 'integer', minimum: 1, maximum: ITEMS_PER_HOLD_MAX },
    poolId: id,
    sectionId: seatPart,
  },
} as const;

/** DELETE and GET .../waitlist/me: the buyer, named when the caller is not a buyer token. */
export const waitlistQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { userId },
} as const;

export const waitlistView = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'The entry: an offer announced on the live channel names it.' },
    eventId: { type: 'string' },
    userId: { type: 'string' },
    quantity: { type: 'integer' },
    poolId: { type: 'string' },
    sectionId: { type: 'string' },
    joinedAt: { type: 'string' },
    position: { type: 'integer', description: '1: first in line of its pool or section.' },
  },
} as const;

export const extendBody = {
  type: 'object',
  additionalProperties: false,
  required: ['seconds'],
  properties: {
    seconds: {
      type: 'integer',
      minimum: 1,
      maximum: HOLD_EXTENSION_SECONDS_MAX,
      description:
        "The hold then expires this many seconds from now (never earlier than it would), at most the event's maxHoldSeconds from placement.",
    },
  },
} as const;

export const confirmBody = {
  type: 'object',
  additionalProperties: false,
  description: 'Optional: an empty body (or none) confirms without payment details.',
  properties: {
    paymentReference: {
      type: 'string',
      minLength: 1,
      maxLength: PAYMENT_REFERENCE_LENGTH_MAX,
      pattern: '^[\\x21-\\x7E]+$',
      description: "The payment provider's reference, stored on the order and shown wherever the order is.",
    },
    amount: {
      type: 'integer',
      minimum: 0,
      maximum: PRICE_MAX * ITEMS_PER_HOLD_MAX,
      description:
        "Amount paid in minor units; one that differs from the hold's total is refused (amount_mismatch).",
    },
  },
} as const;

export const idempotencyHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      pattern: '^[\\x21-\\x7E]{1,128}$',
      description:
        "Retry key of this buyer (userId) on this event: the same key and body return the first answer. Another buyer's key of the same text is another key. Remembered 1 hour, the newest 16 per buyer and 200,000 per event.",
    },
    'queue-pass': {
      type: 'string',
      description:
        'Events with a waiting room: the pass the buyer got when admitted (403 queue_pass_required, queue_pass_expired or queue_pass_invalid otherwise; admin credentials need none).',
    },
  },
} as const;

/** PATCH /v1/events/:id: what may change after creation; anything else (the layout) is refused. */
export const patchEventBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { name, venue: name, startsAt: isoTime, salesOpen: { type: 'boolean' } },
} as const;

export const eventParams = { type: 'object', required: ['eventId'], properties: { eventId: id } } as const;
export const holdParams = {
  type: 'object',
  required: ['holdId'],
  properties: { holdId: resourceId },
} as const;
export const orderParams = {
  type: 'object',
  required: ['orderId'],
  properties: { orderId: resourceId },
} as const;
export const ticketParams = {
  type: 'object',
  required: ['ticketId'],
  properties: { ticketId: resourceId },
} as const;
export const venueParams = { type: 'object', required: ['venue'], properties: { venue: name } } as const;

export const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: `1 to ${PAGE_SIZE_MAX}` },
    cursor: { type: 'string', maxLength: 300, pattern: storable },
  },
} as const;

export const seatsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { sectionId: seatPart },
} as const;

const counts = { capacity: count, available: { type: 'integer' }, held: count, sold: count } as const;

export const eventView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    venue: { type: 'string' },
    startsAt: { type: 'string' },
    holdTtlSeconds: { type: 'integer' },
    maxPerUser: { type: 'integer' },
    /** false once an admin closed the sales (PATCH): placements get 409 sales_closed. */
    salesOpen: { type: 'boolean' },
    maxHoldSeconds: { type: 'integer' },
    offerTtlSeconds: { type: 'integer' },
    ...counts,
    pools: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          price: { type: 'integer' },
          ...counts,
        },
      },
    },
    sections: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          price: { type: 'integer' },
          rows: {
            type: 'array',
            items: { type: 'object', properties: { id: { type: 'string' }, seats: { type: 'integer' } } },
          },
          ...counts,
        },
      },
    },
  },
} as const;

export const eventList = {
  type: 'object',
  properties: {
    events: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          venue: { type: 'string' },
          startsAt: { type: 'string' },
          capacity: count,
          available: { type: 'integer' },
        },
      },
    },
    nextCursor: { type: 'string' },
  },
} as const;

export const seatList = {
  type: 'object',
  properties: {
    seats: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          status: { type: 'string', enum: ['available', 'held', 'sold'] },
        },
      },
    },
  },
} as const;

const item = {
  type: 'object',
  properties: {
    seatId: { type: 'string' },
    poolId: { type: 'string' },
    quantity: { type: 'integer' },
    price: { type: 'integer' },
  },
} as const;

export const holdView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    eventId: { type: 'string' },
    userId: { type: 'string' },
    status: { type: 'string', enum: ['held', 'confirmed', 'released', 'expired'] },
    items: { type: 'array', items: item },
    total: { type: 'integer' },
    createdAt: { type: 'string' },
    expiresAt: { type: 'string' },
    orderId: { type: 'string' },
  },
} as const;

const ticket = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    orderId: { type: 'string' },
    eventId: { type: 'string' },
    userId: { type: 'string' },
    seatId: { type: 'string' },
    poolId: { type: 'string' },
    price: { type: 'integer' },
    /** Present (true) once the ticket's order was cancelled. */
    voided: { type: 'boolean' },
  },
} as const;
export const ticketView = ticket;

export const orderView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    orderId: { type: 'string' },
    holdId: { type: 'string' },
    eventId: { type: 'string' },
    userId: { type: 'string' },
    status: { type: 'string', enum: ['confirmed', 'cancelled'] },
    tickets: { type: 'array', items: ticket },
    total: { type: 'integer' },
    createdAt: { type: 'string' },
    /** Present when status is `cancelled`. */
    cancelledAt: { type: 'string' },
    paymentReference: { type: 'string' },
    late: { type: 'boolean', description: 'true when the hold had expired before it was confirmed.' },
  },
} as const;

export const ticketList = {
  type: 'object',
  properties: { tickets: { type: 'array', items: ticket }, nextCursor: { type: 'string' } },
} as const;

export const statsView = {
  type: 'object',
  properties: { eventId: { type: 'string' }, ...counts, revenue: { type: 'integer' }, orders: count },
} as const;

export const venueRevenueView = {
  type: 'object',
  properties: {
    venue: { type: 'string' },
    revenue: { type: 'integer' },
    events: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          eventId: { type: 'string' },
          name: { type: 'string' },
          startsAt: { type: 'string' },
          sold: count,
          orders: count,
          revenue: { type: 'integer' },
        },
      },
    },
  },
} as const;

const availability = { type: 'object', properties: { ...counts } } as const;

export const auditView = {
  type: 'object',
  properties: {
    eventId: { type: 'string' },
    capacity: count,
    gate: availability,
    store: { type: 'object', properties: { tickets: count, orders: count, held: count } },
    unprojected: count,
    deadLetters: count,
    drift: { type: 'object', properties: { sold: { type: 'integer' }, held: { type: 'integer' } } },
    counterDrift: {
      type: 'integer',
      description:
        "Distributed shape: the event's units-on-sale counter (the sell-out mark's) minus what its pools and sections have on sale; 0 when they agree, always 0 embedded.",
    },
    oversold: count,
    doubleBooked: count,
    phantom: count,
    gateLost: {
      type: 'string',
      description:
        'Distributed shape, only when Redis lost the event state: why; sales are stopped until `boxoffice reconcile`.',
    },
    consistent: { type: 'boolean' },
  },
} as const;

const layoutRow = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    start: {
      ...count,
      description: "offset of the row's seat 1 in the seat map; seat n is at start + n - 1",
    },
    seats: count,
  },
} as const;

export const seatLayoutView = {
  type: 'object',
  description:
    'Where each seat is in the seat map: sections, then rows, then seats 1..n, in the order the event defined them. Seat ids are `<section>-<row>-<n>`.',
  properties: {
    eventId: { type: 'string' },
    seatCount: count,
    sections: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          price: { type: 'integer' },
          start: { ...count, description: "offset of the section's first seat in the seat map" },
          count,
          rows: { type: 'array', items: layoutRow },
        },
      },
    },
  },
} as const;

export const holdList = {
  type: 'object',
  properties: { holds: { type: 'array', items: holdView }, nextCursor: { type: 'string' } },
} as const;

export const orderList = {
  type: 'object',
  properties: { orders: { type: 'array', items: orderView }, nextCursor: { type: 'string' } },
} as const;

export const buyerParams = {
  type: 'object',
  required: ['userId'],
  properties: { userId },
} as const;

export const createApiKeyBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'role'],
  properties: { name, role: { type: 'string', enum: ['admin', 'sales'] } },
} as const;

export const apiKeyParams = {
  type: 'object',
  required: ['keyId'],
  properties: { keyId: { type: 'string', pattern: '^[0-9a-f]{16}$' } },
} as const;

const apiKeyFields = {
  id: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string', enum: ['admin', 'sales'] },
  createdAt: { type: 'string' },
  revokedAt: { type: 'string' },
} as const;

/** A key as listed: never its secret (the store does not have it). */
export const apiKeyView = { type: 'object', properties: apiKeyFields } as const;

export const createdApiKeyView = {
  type: 'object',
  properties: {
    ...apiKeyFields,
    secret: {
      type: 'string',
      description: 'The credential: shown this once, send it as `Authorization: Bearer <secret>`.',
    },
  },
} as const;

export const seatStatesView = {
  description:
    "One byte per seat, in the layout's seat order (of the section with `?sectionId=`): `0` available, `h` held, `s` sold. `ETag` names the event's seat-map version; send it back in `If-None-Match` for a 304.",
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
} as const;

export const notModified = {
  description: 'Not modified: the `If-None-Match` ETag is current.',
  type: 'null',
} as const;

export const apiKeyList = {
  type: 'object',
  properties: { apiKeys: { type: 'array', items: apiKeyView }, nextCursor: { type: 'string' } },
} as const;
