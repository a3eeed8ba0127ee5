// Request and response schemas of the waiting room routes (docs/queue.md).
import { ID_LENGTH_MAX } from '../domain/limits.js';

const isoTime = { type: 'string', format: 'date-time' } as const;
const userId = { type: 'string', pattern: `^[A-Za-z0-9_.:@+-]{1,${ID_LENGTH_MAX}}$` } as const;

/** Admissions per minute at most: far above any sale, low enough that one step stays one short Lua call. */
export const ADMIT_PER_MINUTE_MAX = 60_000;
/** A pass lives a day at most: longer is no queue. */
export const PASS_MINUTES_MAX = 1_440;
export const MAX_ACTIVE_MAX = 1_000_000;

const queueFields = {
  opensAt: { ...isoTime, description: 'Joins are accepted from this time on.' },
  salesStartAt: {
    ...isoTime,
    description:
      'Admission starts. Everyone who joined before is placed in a uniformly random order; later joiners queue behind them, first come first served.',
  },
  admitPerMinute: { type: 'integer', minimum: 1, maximum: ADMIT_PER_MINUTE_MAX },
  passMinutes: {
    type: 'integer',
    minimum: 1,
    maximum: PASS_MINUTES_MAX,
    description: 'How long a pass is valid from admission.',
  },
  maxActive: {
    type: 'integer',
    minimum: 1,
    maximum: MAX_ACTIVE_MAX,
    description: 'Valid passes at once, at most (also never more than twice the tickets still available).',
  },
} as const;

/** `queue` of POST /v1/events: the whole definition. */
export const queueSpecBody = {
  type: 'object',
  additionalProperties: false,
  required: ['opensAt', 'salesStartAt', 'admitPerMinute', 'passMinutes', 'maxActive'],
  properties: queueFields,
} as const;

/** PATCH /v1/events/:id/queue: the fields that change (all of them for an event without a queue yet). */
export const queueChangeBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: queueFields,
} as const;

export const queueSettingsView = {
  type: 'object',
  properties: { eventId: { type: 'string' }, ...queueFields, paused: { type: 'boolean' } },
} as const;

/** POST /v1/events/:id/queue: the buyer is the buyer token's; sales keys and open mode name it. */
export const joinQueueBody = {
  type: 'object',
  additionalProperties: false,
  properties: { userId },
} as const;

export const queueMeQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { userId },
} as const;

const nullableInteger = { type: ['integer', 'null'] } as const;

export const queueView = {
  type: 'object',
  properties: {
    eventId: { type: 'string' },
    state: { type: 'string', enum: ['waiting', 'admitted', 'sold_out', 'closed'] },
    position: {
      ...nullableInteger,
      description: '1: next to be admitted; null before salesStartAt and once admitted.',
    },
    ahead: nullableInteger,
    estimatedWaitSeconds: {
      ...nullableInteger,
      description: 'From the admission rate measured over the last minute; null when sold out or closed.',
    },
    queueToken: {
      type: 'string',
      description: 'Follow this status live: GET /v1/events/{eventId}/live?queueToken=… (WebSocket).',
    },
    pass: { type: 'string', description: 'Admitted: send as the `Queue-Pass` header of placements.' },
    passExpiresAt: { type: 'string', format: 'date-time' },
  },
} as const;
