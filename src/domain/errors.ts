// The one catalogue of error codes. Codes are stable API: never rename one, only add.
// The HTTP status of each code lives in http/error-status.ts, so the domain knows nothing of HTTP.

export const ErrorCode = {
  invalidRequest: 'invalid_request',
  malformedJson: 'malformed_json',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  bodyNotAllowed: 'body_not_allowed',
  jsonTooDeep: 'json_too_deep',
  malformedRequest: 'malformed_request',
  headersTooLarge: 'headers_too_large',
  requestTimeout: 'request_timeout',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  buyerMismatch: 'buyer_mismatch',
  queuePassRequired: 'queue_pass_required',
  queuePassExpired: 'queue_pass_expired',
  queuePassInvalid: 'queue_pass_invalid',
  routeNotFound: 'route_not_found',
  eventNotFound: 'event_not_found',
  poolNotFound: 'pool_not_found',
  sectionNotFound: 'section_not_found',
  seatNotFound: 'seat_not_found',
  holdNotFound: 'hold_not_found',
  orderNotFound: 'order_not_found',
  ticketNotFound: 'ticket_not_found',
  venueNotFound: 'venue_not_found',
  apiKeyNotFound: 'api_key_not_found',
  webhookNotFound: 'webhook_not_found',
  webhookDeliveryNotFound: 'webhook_delivery_not_found',
  webhookUrlInvalid: 'webhook_url_invalid',
  webhookUrlForbidden: 'webhook_url_forbidden',
  queueNotFound: 'queue_not_found',
  notInQueue: 'not_in_queue',
  eventExists: 'event_exists',
  queueNotOpen: 'queue_not_open',
  soldOut: 'sold_out',
  salesClosed: 'sales_closed',
  seatUnavailable: 'seat_unavailable',
  limitExceeded: 'limit_exceeded',
  holdExpired: 'hold_expired',
  holdReleased: 'hold_released',
  holdConfirmed: 'hold_confirmed',
  idempotencyKeyReused: 'idempotency_key_reused',
  holdExtensionLimit: 'hold_extension_limit',
  amountMismatch: 'amount_mismatch',
  notSoldOut: 'not_sold_out',
  alreadyWaitlisted: 'already_waitlisted',
  waitlistFull: 'waitlist_full',
  waitlistEntryNotFound: 'waitlist_entry_not_found',
  seatListTooLarge: 'seat_list_too_large',
  tooManyConnections: 'too_many_connections',
  rateLimited: 'rate_limited',
  storeUnavailable: 'store_unavailable',
  gateUnavailable: 'gate_unavailable',
  eventNeedsReconcile: 'event_needs_reconcile',
  notReady: 'not_ready',
  internalError: 'internal_error',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Default human-readable message of each code; a rejection may carry a more specific one. */
export const errorMessages: Record<ErrorCode, string> = {
  invalid_request: 'The request is not valid.',
  malformed_json: 'The request body is not valid JSON.',
  payload_too_large: 'The request body is too large.',
  unsupported_media_type: 'The request body must be application/json.',
  body_not_allowed: 'This route takes no request body.',
  json_too_deep: 'The request body nests objects and arrays too deeply.',
  malformed_request: 'The request is not valid HTTP.',
  headers_too_large: 'The request headers are too large.',
  request_timeout: 'The request was not received in time.',
  unauthorized: 'A valid bearer credential is required.',
  forbidden: 'This credential may not call this route.',
  buyer_mismatch: 'The userId of the request is not the buyer of the token.',
  queue_pass_required: 'This event sells through its waiting room: send the buyer’s pass as Queue-Pass.',
  queue_pass_expired: 'The queue pass has expired.',
  queue_pass_invalid: 'The queue pass is not valid for this event and buyer.',
  route_not_found: 'No such route.',
  event_not_found: 'No such event.',
  pool_not_found: 'No such pool in this event.',
  section_not_found: 'No such section in this event.',
  seat_not_found: 'No such seat in this event.',
  hold_not_found: 'No such hold.',
  order_not_found: 'No such order.',
  ticket_not_found: 'No such ticket.',
  venue_not_found: 'No event at this venue.',
  api_key_not_found: 'No such API key.',
  webhook_not_found: 'No such webhook endpoint.',
  webhook_delivery_not_found: 'No such delivery of this webhook endpoint.',
  webhook_url_invalid: 'The webhook URL must be an absolute http or https URL without credentials.',
  webhook_url_forbidden: 'The webhook URL reaches a private, loopback or link-local address.',
  queue_not_found: 'This event has no waiting room.',
  not_in_queue: 'This buyer is not in the event’s waiting room.',
  event_exists: 'An event with this id exists already.',
  queue_not_open: 'The waiting room of this event is not open yet.',
  sold_out: 'Not enough tickets are left.',
  sales_closed: 'Sales of this event are closed.',
  seat_unavailable: 'A requested seat is held or sold.',
  limit_exceeded: 'This would pass the per-user limit of the event.',
  hold_expired: 'The hold has expired.',
  hold_released: 'The hold was released.',
  hold_confirmed: 'The hold is confirmed already.',
  idempotency_key_reused: 'This Idempotency-Key was used with a different request.',
  hold_extension_limit:
    'The hold would live longer than the event allows (maxHoldSeconds from its placement); nothing was changed.',
  amount_mismatch: 'The amount paid differs from the total of the hold; nothing was changed.',
  not_sold_out: 'This pool or section has the stock asked for: place a hold instead of joining its waitlist.',
  already_waitlisted:
    "The buyer is on this event's waitlist already with another request; leave it first (DELETE) to change it.",
  waitlist_full: 'The waitlist of this event is full; nothing was changed.',
  waitlist_entry_not_found: 'The buyer is not on the waitlist of this event.',
  seat_list_too_large:
    'Too many seats for one JSON answer: read GET /v1/events/{id}/seat-states (one byte per seat) with GET /v1/events/{id}/seat-layout, or ask for one section with ?sectionId=.',
  too_many_connections: 'This client address has as many live connections as it may; close one first.',
  store_unavailable: 'The store did not answer or could not record the change; nothing was changed. Retry.',
  rate_limited: 'Too many requests; nothing was changed. Retry after the number of seconds in Retry-After.',
  gate_unavailable:
    'The gate (Redis) could not be reached; the request may or may not have been decided. Retry with the same Idempotency-Key.',
  event_needs_reconcile:
    'Redis lost the state of this event; its sales are stopped until an operator runs `boxoffice reconcile`.',
  not_ready: 'The service is not ready.',
  internal_error: 'Internal error.',
};

/** An expected refusal, returned as a value (sold out is an outcome, not a fault). */
export interface Rejection {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
  /** Why, where one code has several causes a client must tell apart (hold_expired: `stock_taken`). */
  readonly reason?: string;
}

export function reject(code: ErrorCode, message: string = errorMessages[code]): Rejection {
  return { ok: false, code, message };
}

/** A late confirm found the expired hold's seats or stock sold to someone else: the platform refunds. */
export function stockTaken(): Rejection {
  return {
    ok: false,
    code: 'hold_expired',
    message: 'The hold expired and its seats or stock were taken by another buyer; nothing was changed.',
    reason: 'stock_taken',
  };
}

/** A refusal that has to cross a throw boundary (the HTTP layer turns it into its status and body). */
export class DomainError extends Error {
  readonly code: ErrorCode;
  /** `options.cause`: the failure behind it (an outage's driver error), for the log only. */
  constructor(code: ErrorCode, message: string = errorMessages[code], options?: ErrorOptions) {
    super(message, options);
    this.name = 'DomainError';
    this.code = code;
  }
}
