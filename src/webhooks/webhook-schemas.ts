// Request and response schemas of the webhook routes. Responses list every field: Fastify's serializer
// drops anything a schema does not name, which is what keeps a sealed secret from ever leaving.
import { WEBHOOK_EVENT_TYPES } from './event-types.js';

/** Longest webhook URL accepted. */
export const WEBHOOK_URL_LENGTH_MAX = 2048;
/** Longest overlap of a rotation: a week. */
export const ROTATION_OVERLAP_SECONDS_MAX = 7 * 24 * 3600;
/** Deliveries one replay request sends again, at most. */
export const REPLAY_MAX = 1000;

const url = { type: 'string', minLength: 1, maxLength: WEBHOOK_URL_LENGTH_MAX };
const events = {
  type: 'array',
  minItems: 1,
  maxItems: WEBHOOK_EVENT_TYPES.length,
  items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] },
  description: 'The event types this endpoint receives.',
};
const description = { type: 'string', maxLength: 500 };
const isoTime = { type: 'string', format: 'date-time' } as const;

export const createWebhookBody = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'events'],
  properties: { url, events, description },
} as const;

export const updateWebhookBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    url,
    events,
    description,
    enabled: { type: 'boolean', description: 'false disables the endpoint; true enables it again.' },
  },
} as const;

export const rotateSecretBody = {
  type: 'object',
  additionalProperties: false,
  description: 'Optional: no body keeps the replaced secret signing for a day.',
  properties: {
    overlapSeconds: {
      type: 'integer',
      minimum: 0,
      maximum: ROTATION_OVERLAP_SECONDS_MAX,
      description: 'How long the replaced secret keeps signing beside the new one (default 86400).',
    },
  },
} as const;

export const replayBody = {
  type: 'object',
  additionalProperties: false,
  description: 'Either `deliveryId`, or `since` and `until` (deliveries created in [since, until)).',
  properties: {
    deliveryId: { type: 'string', pattern: '^dlv_[0-9]{1,15}$' },
    since: isoTime,
    until: isoTime,
  },
} as const;

export const webhookParams = {
  type: 'object',
  required: ['webhookId'],
  properties: { webhookId: { type: 'string', pattern: '^wh_[A-Za-z0-9_-]{16}$' } },
} as const;

const webhookFields = {
  id: { type: 'string' },
  url: { type: 'string' },
  events: { type: 'array', items: { type: 'string' } },
  description: { type: 'string' },
  enabled: { type: 'boolean' },
  disabledReason: {
    type: 'string',
    description: '`admin`, `gone` (the endpoint answered 410) or `failing` (it failed for days).',
  },
  secretRotatedUntil: {
    type: 'string',
    description: 'After a rotation: until when the replaced secret signs too.',
  },
  createdAt: { type: 'string' },
  updatedAt: { type: 'string' },
} as const;

export const webhookView = { type: 'object', properties: webhookFields } as const;

export const createdWebhookView = {
  type: 'object',
  properties: {
    ...webhookFields,
    secret: {
      type: 'string',
      description: 'The signing secret (`whsec_…`): shown in this answer only.',
    },
  },
} as const;

export const webhookList = {
  type: 'object',
  properties: { webhooks: { type: 'array', items: webhookView }, nextCursor: { type: 'string' } },
} as const;

export const rotatedSecretView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    secret: { type: 'string', description: 'The new signing secret: shown in this answer only.' },
    previousSecretExpiresAt: { type: 'string' },
  },
} as const;

const attemptView = {
  type: 'object',
  properties: {
    attempt: { type: 'integer' },
    at: { type: 'string' },
    durationMs: { type: 'integer' },
    outcome: { type: 'string', enum: ['succeeded', 'failed'] },
    responseStatus: { type: 'integer' },
    error: { type: 'string' },
  },
} as const;

const deliveryView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    messageId: {
      type: 'string',
      description: 'The `webhook-id` header: the same on every attempt and replay.',
    },
    type: { type: 'string' },
    eventId: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
    replay: { type: 'boolean' },
    createdAt: { type: 'string' },
    nextAttemptAt: { type: 'string' },
    finishedAt: { type: 'string' },
    attempts: { type: 'array', items: attemptView },
  },
} as const;

export const deliveryList = {
  type: 'object',
  properties: { deliveries: { type: 'array', items: deliveryView }, nextCursor: { type: 'string' } },
} as const;

export const replayView = {
  type: 'object',
  properties: { deliveryIds: { type: 'array', items: { type: 'string' } } },
} as const;

export const deliveriesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: '1 to 1000' },
    cursor: { type: 'string', pattern: '^dlv_[0-9]{1,15}$' },
  },
} as const;
