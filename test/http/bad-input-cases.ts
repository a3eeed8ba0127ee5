// The table of bad requests behind bad-input.test.ts. Every row is a request that must get a 4xx with one
// stable error code and change nothing (DESIGN.md invariant 7).
//
// URLs may name the fixture's ids by placeholder, filled in once the fixture exists:
//   {ev} the event (pools `ga` (100) and `vip` (1), section A of two rows of 10 seats),
//   {held} a live hold of 2 in `ga` placed with Idempotency-Key `setup-key` by user `holder`,
//   {confirmed} a hold of seats A-1-1 and A-1-2 confirmed into {order} with tickets {ticket},
//   {released} a released hold. Seat A-2-5 is held by another live hold.
import { admin } from '../support/embedded.js';

export const EVENT_ID = 'show';
/** The user who holds 2 of a maxPerUser of 4. */
export const HOLDER = 'holder';
export const SETUP_KEY = 'setup-key';

export interface BadCase {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  readonly url: string;
  readonly headers?: Record<string, string | string[]>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as is, with the headers given (no content-type unless given). */
  readonly raw?: string;
  readonly status: number;
  readonly code: string;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const holds = '/v1/events/{ev}/holds';
const orders = '/v1/events/{ev}/orders';

function hold(name: string, body: unknown, status: number, code: string, url = holds): BadCase {
  return { name, method: 'POST', url, body, status, code };
}
function holdRaw(name: string, raw: string, code: string, headers: BadCase['headers'] = JSON_TYPE): BadCase {
  const status = code === 'unsupported_media_type' ? 415 : 400;
  return { name, method: 'POST', url: holds, raw, headers, status, code };
}
const invalidHold = (name: string, body: unknown, url = holds) =>
  hold(name, body, 400, 'invalid_request', url);
function get(name: string, url: string, status: number, code: string, headers?: BadCase['headers']): BadCase {
  return { name, method: 'GET', url, status, code, headers };
}

// --- body parsing -------------------------------------------------------------------------------------------

const parsing: BadCase[] = [
  holdRaw('truncated JSON', '{"userId":"u-1","quantity":', 'malformed_json'),
  holdRaw(
    'JSON with trailing garbage',
    '{"userId":"u-1","quantity":1,"poolId":"ga"} trailing',
    'malformed_json',
  ),
  holdRaw('two JSON documents', '{"userId":"u-1"}{"userId":"u-2"}', 'malformed_json'),
  holdRaw('plain text sent as JSON', 'hello, world', 'malformed_json'),
  holdRaw('single-quoted JSON', "{'userId':'u-1','quantity':1,'poolId':'ga'}", 'malformed_json'),
  holdRaw('trailing comma', '{"userId":"u-1","quantity":1,"poolId":"ga",}', 'malformed_json'),
  holdRaw('NaN literal', '{"userId":"u-1","quantity":NaN,"poolId":"ga"}', 'malformed_json'),
  holdRaw('whitespace-only body', '   \n ', 'malformed_json'),
  holdRaw('empty body with a JSON content-type', '', 'invalid_request'),
  { name: 'no body at all', method: 'POST', url: holds, status: 400, code: 'invalid_request' },
  holdRaw('JSON array instead of an object', '[]', 'invalid_request'),
  holdRaw('array of hold requests', '[{"userId":"u-1","quantity":1,"poolId":"ga"}]', 'invalid_request'),
  holdRaw('JSON string instead of an object', '"u-1"', 'invalid_request'),
  holdRaw('JSON number instead of an object', '42', 'invalid_request'),
  holdRaw('JSON null instead of an object', 'null', 'invalid_request'),
  holdRaw('JSON true instead of an object', 'true', 'invalid_request'),
  holdRaw('8000-deep nested arrays', `${'['.repeat(8000)}${']'.repeat(8000)}`, 'json_too_deep'),
  holdRaw('hold with a field nested 17 deep', nestedHold(16), 'json_too_deep'),
  // At the bound the body is parsed, and the schema refuses the unknown field.
  holdRaw('hold with a field nested 16 deep', nestedHold(15), 'invalid_request'),
  {
    name: 'a megabyte of open brackets on a hold',
    method: 'POST',
    url: holds,
    headers: JSON_TYPE,
    raw: '['.repeat(1024 * 1024),
    status: 413,
    code: 'payload_too_large',
  },
  holdRaw('quantity 1e400 (Infinity)', '{"userId":"u-1","quantity":1e400,"poolId":"ga"}', 'invalid_request'),
  // The API speaks JSON only: a text/plain body is refused before any parsing.
  holdRaw(
    'text/plain body holding valid JSON',
    '{"userId":"u-1","quantity":1,"poolId":"ga"}',
    'unsupported_media_type',
    {
      'content-type': 'text/plain',
    },
  ),
  holdRaw('form-encoded body', 'userId=u-1&quantity=1&poolId=ga', 'unsupported_media_type', {
    'content-type': 'application/x-www-form-urlencoded',
  }),
  holdRaw('multipart body', '--x\r\n\r\nu-1\r\n--x--', 'unsupported_media_type', {
    'content-type': 'multipart/form-data; boundary=x',
  }),
  holdRaw('XML body', '<hold userId="u-1"/>', 'unsupported_media_type', {
    'content-type': 'application/xml',
  }),
  holdRaw('JSON-ish vendor type', '{"userId":"u-1"}', 'unsupported_media_type', {
    'content-type': 'application/vnd.api+json',
  }),
  holdRaw(
    'body without a content-type',
    '{"userId":"u-1","quantity":1,"poolId":"ga"}',
    'unsupported_media_type',
    {},
  ),
  {
    name: 'Content-Length shorter than the body',
    method: 'POST',
    url: holds,
    headers: { ...JSON_TYPE, 'content-length': '5' },
    raw: '{"userId":"u-1","quantity":1,"poolId":"ga"}',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'malformed JSON on an order',
    method: 'POST',
    url: orders,
    headers: JSON_TYPE,
    raw: '{"userId":',
    status: 400,
    code: 'malformed_json',
  },
  // Routes that take no body refuse one from its headers, unread (issue: 1 MB of nested JSON on confirm).
  noBody('a body on release', 'DELETE', '/v1/holds/{held}', '{}'),
  noBody('a body on GET of an event', 'GET', '/v1/events/{ev}', '{}'),
  noBody('a body on GET of the event list', 'GET', '/v1/events', '{"limit":1}'),
  // Confirm takes an optional payment body: bounded, typed and parsed like any other.
  { ...confirmRaw('malformed JSON on confirm', '{"confirm":'), status: 400, code: 'malformed_json' },
  {
    ...confirmRaw(
      'a megabyte of nested JSON on confirm',
      `${'['.repeat(512 * 1024)}${']'.repeat(512 * 1024)}`,
    ),
    status: 413,
    code: 'payload_too_large',
  },
  {
    ...confirmRaw('a body without a content type on confirm', 'x', {}),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    ...confirmRaw('a chunked invalid body on confirm', '{"amount":-1}', {
      ...JSON_TYPE,
      'transfer-encoding': 'chunked',
    }),
    status: 400,
    code: 'invalid_request',
  },
];

function confirmRaw(name: string, raw: string, headers: BadCase['headers'] = JSON_TYPE) {
  return { name, method: 'POST' as const, url: '/v1/holds/{held}/confirm', raw, headers };
}

function noBody(
  name: string,
  method: BadCase['method'],
  url: string,
  raw: string,
  headers: BadCase['headers'] = JSON_TYPE,
): BadCase {
  return { name, method, url, raw, headers, status: 400, code: 'body_not_allowed' };
}

/** A valid hold with an extra field `x` that nests `levels` arrays inside the body's object. */
function nestedHold(levels: number): string {
  return `{"userId":"u-1","quantity":1,"poolId":"ga","x":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

// --- prototype poisoning ------------------------------------------------------------------------------------

const poisoning: BadCase[] = [
  holdRaw(
    '__proto__ key',
    '{"userId":"u-1","quantity":1,"poolId":"ga","__proto__":{"admin":true}}',
    'malformed_json',
  ),
  holdRaw('nested __proto__ key', '{"userId":"u-1","seats":[],"x":{"__proto__":{"y":1}}}', 'malformed_json'),
  holdRaw(
    'constructor.prototype key',
    '{"userId":"u-1","quantity":1,"poolId":"ga","constructor":{"prototype":{"admin":true}}}',
    'malformed_json',
  ),
  invalidHold('plain constructor key', { userId: 'u-1', quantity: 1, poolId: 'ga', constructor: 1 }),
  hold('poolId __proto__', { userId: 'u-1', quantity: 1, poolId: '__proto__' }, 404, 'pool_not_found'),
  hold('poolId constructor', { userId: 'u-1', quantity: 1, poolId: 'constructor' }, 404, 'pool_not_found'),
  hold('poolId toString', { userId: 'u-1', quantity: 1, poolId: 'toString' }, 404, 'pool_not_found'),
  hold(
    'sectionId __proto__',
    { userId: 'u-1', quantity: 1, sectionId: '__proto__' },
    404,
    'section_not_found',
  ),
  hold('seat __proto__-1-1', { userId: 'u-1', seats: ['__proto__-1-1'] }, 404, 'seat_not_found'),
  hold('seat constructor-1-1', { userId: 'u-1', seats: ['constructor-1-1'] }, 404, 'seat_not_found'),
];

// --- hold bodies: types, bounds, combinations ---------------------------------------------------------------

const seats = (n: number) => Array.from({ length: n }, (_, i) => `A-1-${i + 1}`);
const holdBodies: BadCase[] = [
  invalidHold('quantity as a string', { userId: 'u-1', quantity: '2', poolId: 'ga' }),
  invalidHold('quantity true', { userId: 'u-1', quantity: true, poolId: 'ga' }),
  invalidHold('quantity null', { userId: 'u-1', quantity: null, poolId: 'ga' }),
  invalidHold('quantity [1]', { userId: 'u-1', quantity: [1], poolId: 'ga' }),
  invalidHold('quantity -1', { userId: 'u-1', quantity: -1, poolId: 'ga' }),
  invalidHold('quantity 0', { userId: 'u-1', quantity: 0, poolId: 'ga' }),
  invalidHold('quantity 1.5', { userId: 'u-1', quantity: 1.5, poolId: 'ga' }),
  invalidHold('quantity 51', { userId: 'u-1', quantity: 51, poolId: 'ga' }),
  invalidHold('quantity 1e9', { userId: 'u-1', quantity: 1e9, poolId: 'ga' }),
  invalidHold('quantity 2^53', { userId: 'u-1', quantity: 2 ** 53, poolId: 'ga' }),
  invalidHold('quantity -2^53', { userId: 'u-1', quantity: -(2 ** 53), poolId: 'ga' }),
  invalidHold('quantity 51 on an order', { userId: 'u-1', quantity: 51, poolId: 'ga' }, orders),
  invalidHold('userId as a number', { userId: 123, quantity: 1, poolId: 'ga' }),
  invalidHold('userId null', { userId: null, quantity: 1, poolId: 'ga' }),
  invalidHold('userId empty', { userId: '', quantity: 1, poolId: 'ga' }),
  invalidHold('userId missing', { quantity: 1, poolId: 'ga' }),
  invalidHold('userId missing on an order', { quantity: 1, poolId: 'ga' }, orders),
  invalidHold('empty object', {}),
  invalidHold('unknown field', { userId: 'u-1', quantity: 1, poolId: 'ga', price: 0 }),
  invalidHold('unknown field eventId', { userId: 'u-1', quantity: 1, poolId: 'ga', eventId: 'other' }),
  invalidHold('seats as a string', { userId: 'u-1', seats: 'A-1-3' }),
  invalidHold('seats as numbers', { userId: 'u-1', seats: [1, 2] }),
  invalidHold('seats nested', { userId: 'u-1', seats: [['A-1-3']] }),
  invalidHold('seats empty', { userId: 'u-1', seats: [] }),
  invalidHold('seats and quantity', { userId: 'u-1', seats: ['A-1-3'], quantity: 1 }),
  invalidHold('seats and poolId', { userId: 'u-1', seats: ['A-1-3'], poolId: 'ga' }),
  invalidHold('seats and sectionId', { userId: 'u-1', seats: ['A-1-3'], sectionId: 'A' }),
  invalidHold('poolId and sectionId', { userId: 'u-1', quantity: 1, poolId: 'ga', sectionId: 'A' }),
  invalidHold('quantity without a pool or section', { userId: 'u-1', quantity: 1 }),
  invalidHold('poolId without a quantity', { userId: 'u-1', poolId: 'ga' }),
  invalidHold('duplicate seats', { userId: 'u-1', seats: ['A-1-3', 'A-1-3'] }),
  invalidHold('51 seats', { userId: 'u-1', seats: seats(51) }),
  invalidHold('seat id A-1', { userId: 'u-1', seats: ['A-1'] }),
  invalidHold('seat id A_1_3', { userId: 'u-1', seats: ['A_1_3'] }),
  invalidHold('seat id A-1-3-1', { userId: 'u-1', seats: ['A-1-3-1'] }),
  invalidHold('seat id A-1-x', { userId: 'u-1', seats: ['A-1-x'] }),
  invalidHold('seat id A--3', { userId: 'u-1', seats: ['A--3'] }),
  invalidHold('seat id empty', { userId: 'u-1', seats: [''] }),
  invalidHold('seat number of 5 digits', { userId: 'u-1', seats: ['A-1-12345'] }),
  invalidHold('seat id with a leading space', { userId: 'u-1', seats: [' A-1-3'] }),
  invalidHold('seat id with a trailing newline', { userId: 'u-1', seats: ['A-1-3\n'] }),
  invalidHold('seat id with a path', { userId: 'u-1', seats: ['../A-1-3'] }),
  invalidHold('sectionId with a dash', { userId: 'u-1', quantity: 1, sectionId: 'A-1' }),
  invalidHold('poolId of 65 characters', { userId: 'u-1', quantity: 1, poolId: 'p'.repeat(65) }),
  invalidHold('poolId with a space', { userId: 'u-1', quantity: 1, poolId: 'g a' }),
  hold('unknown seat number', { userId: 'u-1', seats: ['A-1-99'] }, 404, 'seat_not_found'),
  hold('seat number 0', { userId: 'u-1', seats: ['A-1-0'] }, 404, 'seat_not_found'),
  hold('seat number with a leading zero', { userId: 'u-1', seats: ['A-1-03'] }, 404, 'seat_not_found'),
  hold('unknown row', { userId: 'u-1', seats: ['A-9-1'] }, 404, 'seat_not_found'),
  hold('unknown section in a seat id', { userId: 'u-1', seats: ['Z-1-1'] }, 404, 'seat_not_found'),
  hold('lower-case seat id', { userId: 'u-1', seats: ['a-1-3'] }, 404, 'seat_not_found'),
  // A-2-1 is free: the unknown seat after it must not leave it held.
  hold(
    'a free seat and an unknown one',
    { userId: 'u-1', seats: ['A-2-1', 'A-2-99'] },
    404,
    'seat_not_found',
  ),
  hold('unknown pool', { userId: 'u-1', quantity: 1, poolId: 'nope' }, 404, 'pool_not_found'),
  hold('pool id in the wrong case', { userId: 'u-1', quantity: 1, poolId: 'GA' }, 404, 'pool_not_found'),
  hold('unknown section', { userId: 'u-1', quantity: 1, sectionId: 'Z' }, 404, 'section_not_found'),
  hold(
    'unknown pool on an order',
    { userId: 'u-1', quantity: 1, poolId: 'nope' },
    404,
    'pool_not_found',
    orders,
  ),
  hold(
    'unknown event',
    { userId: 'u-1', quantity: 1, poolId: 'ga' },
    404,
    'event_not_found',
    '/v1/events/nope/holds',
  ),
  invalidHold(
    'event id with a space',
    { userId: 'u-1', quantity: 1, poolId: 'ga' },
    '/v1/events/bad%20id/holds',
  ),
  invalidHold('event id with a dot', { userId: 'u-1', quantity: 1, poolId: 'ga' }, '/v1/events/sh.ow/holds'),
];

// --- refusals that depend on the fixture's state ------------------------------------------------------------

const refusals: BadCase[] = [
  hold('a sold seat', { userId: 'u-1', seats: ['A-1-1'] }, 409, 'seat_unavailable'),
  hold('a held seat', { userId: 'u-1', seats: ['A-2-5'] }, 409, 'seat_unavailable'),
  hold('a free seat and a held one', { userId: 'u-1', seats: ['A-2-4', 'A-2-5'] }, 409, 'seat_unavailable'),
  hold('more than a pool has', { userId: 'u-1', quantity: 2, poolId: 'vip' }, 409, 'sold_out'),
  hold('past the per-user limit', { userId: HOLDER, quantity: 3, poolId: 'ga' }, 409, 'limit_exceeded'),
  hold('more than maxPerUser at once', { userId: 'u-1', quantity: 5, poolId: 'ga' }, 409, 'limit_exceeded'),
  {
    name: 'Idempotency-Key reused with another body',
    method: 'POST',
    url: holds,
    headers: { 'idempotency-key': SETUP_KEY },
    body: { userId: HOLDER, quantity: 1, poolId: 'ga' },
    status: 422,
    code: 'idempotency_key_reused',
  },
  {
    name: 'Idempotency-Key of a hold reused for an order',
    method: 'POST',
    url: orders,
    headers: { 'idempotency-key': SETUP_KEY },
    body: { userId: HOLDER, quantity: 2, poolId: 'ga' },
    status: 422,
    code: 'idempotency_key_reused',
  },
  {
    name: 'release a confirmed hold',
    method: 'DELETE',
    url: '/v1/holds/{confirmed}',
    status: 409,
    code: 'hold_confirmed',
  },
  {
    name: 'confirm a released hold',
    method: 'POST',
    url: '/v1/holds/{released}/confirm',
    status: 409,
    code: 'hold_released',
  },
  {
    name: 'confirm with an amount other than the total',
    method: 'POST',
    url: '/v1/holds/{held}/confirm',
    body: { amount: 8_999, paymentReference: 'pi_wrong' },
    status: 409,
    code: 'amount_mismatch',
  },
  {
    name: 'extend past the event’s maxHoldSeconds',
    method: 'POST',
    url: '/v1/holds/{held}/extend',
    body: { seconds: 3_600 },
    status: 409,
    code: 'hold_extension_limit',
  },
  {
    name: 'extend a released hold',
    method: 'POST',
    url: '/v1/holds/{released}/extend',
    body: { seconds: 10 },
    status: 409,
    code: 'hold_released',
  },
  {
    name: 'extend a confirmed hold',
    method: 'POST',
    url: '/v1/holds/{confirmed}/extend',
    body: { seconds: 10 },
    status: 409,
    code: 'hold_confirmed',
  },
  {
    name: 'extend an unknown hold',
    method: 'POST',
    url: '/v1/holds/h.{ev}.AAAAAAAAAAAAAAAA/extend',
    body: { seconds: 10 },
    status: 404,
    code: 'hold_not_found',
  },
];

// --- payment bodies (confirm, extend) ------------------------------------------------------------------------

const paymentBody = (name: string, body: unknown, path = 'confirm'): BadCase => ({
  name,
  method: 'POST',
  url: `/v1/holds/{held}/${path}`,
  body,
  status: 400,
  code: 'invalid_request',
});

const paymentBodies: BadCase[] = [
  paymentBody('confirm with an unknown field', { confirm: true }),
  paymentBody('confirm with an empty payment reference', { paymentReference: '' }),
  paymentBody('confirm with a payment reference over 128 characters', { paymentReference: 'p'.repeat(129) }),
  paymentBody('confirm with a payment reference with spaces', { paymentReference: 'pi 1' }),
  paymentBody('confirm with a payment reference that is a number', { paymentReference: 12 }),
  paymentBody('confirm with a negative amount', { amount: -1 }),
  paymentBody('confirm with a fractional amount', { amount: 9000.5 }),
  paymentBody('confirm with an amount past any total', { amount: 1e16 }),
  paymentBody('confirm with a JSON array', []),
  paymentBody('extend with no seconds', {}, 'extend'),
  paymentBody('extend by zero seconds', { seconds: 0 }, 'extend'),
  paymentBody('extend by a negative time', { seconds: -60 }, 'extend'),
  paymentBody('extend by more than the longest TTL', { seconds: 3_601 }, 'extend'),
  paymentBody('extend by a fraction of a second', { seconds: 1.5 }, 'extend'),
  paymentBody('extend with an unknown field', { seconds: 10, minutes: 1 }, 'extend'),
  {
    name: 'extend with no body',
    method: 'POST',
    url: '/v1/holds/{held}/extend',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'extend body over 4 KiB',
    method: 'POST',
    url: '/v1/holds/{held}/extend',
    body: { seconds: 10, pad: 'x'.repeat(5 * 1024) },
    status: 413,
    code: 'payload_too_large',
  },
];

// --- oversized bodies ---------------------------------------------------------------------------------------

const KIB = 1024;
const oversized: BadCase[] = [
  hold(
    'hold body over 16 KiB (long userId)',
    { userId: 'u'.repeat(16 * KIB), quantity: 1, poolId: 'ga' },
    413,
    'payload_too_large',
  ),
  {
    name: 'valid hold padded past 16 KiB with whitespace',
    method: 'POST',
    url: holds,
    headers: JSON_TYPE,
    raw: `{"userId":"u-1","quantity":1,"poolId":"ga"${' '.repeat(16 * KIB)}}`,
    status: 413,
    code: 'payload_too_large',
  },
  hold(
    'order body over 16 KiB',
    { userId: 'u-1', seats: Array(2100).fill('A-1-3') },
    413,
    'payload_too_large',
    orders,
  ),
  hold(
    'userId of 10,000 characters',
    { userId: 'u'.repeat(10_000), quantity: 1, poolId: 'ga' },
    400,
    'invalid_request',
  ),
  {
    name: 'event body over 1 MiB',
    method: 'POST',
    url: '/v1/events',
    headers: admin,
    body: { id: 'bad-big', name: 'x'.repeat(KIB * KIB), venue: 'v', startsAt: '2027-01-01T20:00:00Z' },
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'event body over 1 MiB without a token',
    method: 'POST',
    url: '/v1/events',
    body: { id: 'bad-big', name: 'x'.repeat(KIB * KIB), venue: 'v', startsAt: '2027-01-01T20:00:00Z' },
    status: 401,
    code: 'unauthorized',
  },
];

// --- hostile strings ----------------------------------------------------------------------------------------

const hostile: BadCase[] = [
  invalidHold('userId with a control character', { userId: 'u-1\u0001', quantity: 1, poolId: 'ga' }),
  invalidHold('userId with NUL', { userId: 'u-1\u0000', quantity: 1, poolId: 'ga' }),
  invalidHold('userId with a newline', { userId: 'u-1\nu-2', quantity: 1, poolId: 'ga' }),
  invalidHold('userId with a trailing newline', { userId: 'u-1\n', quantity: 1, poolId: 'ga' }),
  invalidHold('userId with an RTL override', { userId: '\u202Eu-1', quantity: 1, poolId: 'ga' }),
  invalidHold('userId with SQL injection', { userId: "'; DROP TABLE holds; --", quantity: 1, poolId: 'ga' }),
  invalidHold('userId as an emoji', { userId: '🎟️', quantity: 1, poolId: 'ga' }),
  invalidHold('userId with a lone surrogate', { userId: 'u\uD800', quantity: 1, poolId: 'ga' }),
  invalidHold('poolId with SQL injection', { userId: 'u-1', quantity: 1, poolId: "ga' OR '1'='1" }),
  invalidHold('seat id with SQL injection', { userId: 'u-1', seats: ["A-1-1'; DELETE FROM tickets; --"] }),
];

// --- headers ------------------------------------------------------------------------------------------------

const validUnknownPool = { userId: 'u-1', quantity: 1, poolId: 'nope' };
function keyed(name: string, key: string): BadCase {
  return {
    name,
    method: 'POST',
    url: holds,
    headers: { 'idempotency-key': key },
    body: validUnknownPool,
    status: 400,
    code: 'invalid_request',
  };
}
function adminCall(name: string, authorization: string | undefined, url = '/v1/events'): BadCase {
  const headers = authorization === undefined ? undefined : { authorization };
  const isCreate = url === '/v1/events';
  return {
    name,
    method: isCreate ? 'POST' : 'GET',
    url,
    headers,
    body: isCreate
      ? { id: 'bad-unauth', name: 'n', venue: 'v', startsAt: '2027-01-01T20:00:00Z' }
      : undefined,
    status: 401,
    code: 'unauthorized',
  };
}
const token = admin.authorization.slice('Bearer '.length);
const headers: BadCase[] = [
  keyed('Idempotency-Key of 129 characters', 'k'.repeat(129)),
  keyed('Idempotency-Key with a space', 'my key'),
  keyed('Idempotency-Key with a tab', 'my\tkey'),
  keyed('Idempotency-Key with a control character', 'key\u0001'),
  keyed('Idempotency-Key empty', ''),
  keyed('Idempotency-Key with Latin-1', 'clé'),
  // A real server receives a header sent twice joined by ", " (Node's http parser); inject is given that form
  // directly because light-my-request's handling of array values changed between its releases.
  keyed('Idempotency-Key given twice', 'key-a, key-b'),
  adminCall('create event without Authorization', undefined),
  adminCall('create event with a wrong token', 'Bearer wrong-token'),
  adminCall('create event with a token prefix', `Bearer ${token.slice(0, -1)}`),
  adminCall('create event with the token and a trailing space', `Bearer ${token} `),
  adminCall('create event with lower-case bearer', `bearer ${token}`),
  adminCall('create event with Basic auth', `Basic ${Buffer.from(`admin:${token}`).toString('base64')}`),
  adminCall('create event with the bare token', token),
  adminCall('create event with "Bearer" alone', 'Bearer'),
  adminCall('create event with "Bearer " and no token', 'Bearer '),
  adminCall('create event with a 10k-character token', `Bearer ${'t'.repeat(10_000)}`),
  adminCall('audit without Authorization', undefined, '/v1/events/{ev}/audit'),
  adminCall('audit with a wrong token', 'Bearer wrong-token', '/v1/events/{ev}/audit'),
  adminCall('audit with malformed Authorization', 'Bearer\u0001', '/v1/events/{ev}/audit'),
  {
    name: 'malformed JSON without a token',
    method: 'POST',
    url: '/v1/events',
    headers: JSON_TYPE,
    raw: '{"id":',
    status: 401,
    code: 'unauthorized',
  },
];

// --- query strings ------------------------------------------------------------------------------------------

/** The private read side (buyer lists, revenue) answers sales and admin only: these cases send the admin token. */
const staffHeaders = (url: string) =>
  /^\/v1\/events\/[^/]*\/tickets|\/revenue$/.test(url) ? admin : undefined;
const invalidGet = (name: string, url: string) => get(name, url, 400, 'invalid_request', staffHeaders(url));
const queries: BadCase[] = [
  invalidGet('events limit=0', '/v1/events?limit=0'),
  invalidGet('events limit=abc', '/v1/events?limit=abc'),
  invalidGet('events limit=100000', '/v1/events?limit=100000'),
  invalidGet('events limit=1001', '/v1/events?limit=1001'),
  invalidGet('events limit=-1', '/v1/events?limit=-1'),
  invalidGet('events limit=1.5', '/v1/events?limit=1.5'),
  invalidGet('events limit=1e2', '/v1/events?limit=1e2'),
  invalidGet('events limit empty', '/v1/events?limit='),
  invalidGet('events limit given twice', '/v1/events?limit=1&limit=2'),
  invalidGet('events unknown query parameter', '/v1/events?foo=1'),
  invalidGet('events __proto__ query parameter', '/v1/events?__proto__=1'),
  invalidGet('events cursor of 301 characters', `/v1/events?cursor=${'c'.repeat(301)}`),
  invalidGet('tickets limit=0', '/v1/events/{ev}/tickets?limit=0'),
  invalidGet('tickets limit=abc', '/v1/events/{ev}/tickets?limit=abc'),
  invalidGet('tickets limit=100000', '/v1/events/{ev}/tickets?limit=100000'),
  invalidGet('tickets unknown query parameter', '/v1/events/{ev}/tickets?sort=price'),
  invalidGet('seats unknown query parameter', '/v1/events/{ev}/seats?status=held'),
  invalidGet('seats sectionId with a dash', '/v1/events/{ev}/seats?sectionId=A-1'),
  invalidGet('seats sectionId with NUL', '/v1/events/{ev}/seats?sectionId=%00'),
  get('seats of an unknown section', '/v1/events/{ev}/seats?sectionId=Z', 404, 'section_not_found'),
  invalidGet('seat-states unknown query parameter', '/v1/events/{ev}/seat-states?status=held'),
  invalidGet('seat-states sectionId with a dash', '/v1/events/{ev}/seat-states?sectionId=A-1'),
  get(
    'seat-states of an unknown section',
    '/v1/events/{ev}/seat-states?sectionId=Z',
    404,
    'section_not_found',
  ),
];

// --- unknown and malformed ids in paths ---------------------------------------------------------------------

const notFound = (name: string, url: string, code: string) => get(name, url, 404, code, staffHeaders(url));
const ids: BadCase[] = [
  notFound('unknown event', '/v1/events/nope', 'event_not_found'),
  notFound('seats of an unknown event', '/v1/events/nope/seats', 'event_not_found'),
  notFound('seat-states of an unknown event', '/v1/events/nope/seat-states', 'event_not_found'),
  notFound('seat-layout of an unknown event', '/v1/events/nope/seat-layout', 'event_not_found'),
  notFound('tickets of an unknown event', '/v1/events/nope/tickets', 'event_not_found'),
  notFound('stats of an unknown event', '/v1/events/nope/stats', 'event_not_found'),
  get('audit of an unknown event', '/v1/events/nope/audit', 404, 'event_not_found', admin),
  invalidGet('event id with bad characters', '/v1/events/bad!id'),
  invalidGet('event id with a dot', '/v1/events/sh.ow'),
  invalidGet('event id of 65 characters', `/v1/events/${'e'.repeat(65)}`),
  invalidGet('event id NUL', '/v1/events/%00'),
  invalidGet('event id with path traversal', '/v1/events/..%2F..%2Fetc'),
  invalidGet('event id as an emoji', '/v1/events/%F0%9F%8E%AB'),
  notFound('unknown hold', '/v1/holds/nope', 'hold_not_found'),
  notFound('unknown hold of the event', '/v1/holds/h.{ev}.AAAAAAAAAAAAAAAA', 'hold_not_found'),
  notFound('hold of an unknown event', '/v1/holds/h.nope.AAAAAAAAAAAAAAAA', 'hold_not_found'),
  notFound('hold id with path traversal', '/v1/holds/..%2F..%2Fetc%2Fpasswd', 'hold_not_found'),
  notFound('hold id shaped like a traversal', '/v1/holds/h.%2E%2E.%2E%2E', 'hold_not_found'),
  notFound('hold id as an emoji', '/v1/holds/%F0%9F%8E%AB', 'hold_not_found'),
  notFound('hold id with an emoji event', '/v1/holds/h.%F0%9F%8E%AB.x', 'hold_not_found'),
  notFound(
    'hold id with SQL injection',
    `/v1/holds/h.x.${encodeURIComponent("' OR 1=1 --")}`,
    'hold_not_found',
  ),
  invalidGet('hold id with NUL', '/v1/holds/h.{ev}.%00'),
  invalidGet('hold id of 201 characters', `/v1/holds/h.{ev}.${'A'.repeat(195)}`),
  invalidGet('hold id of 500 characters', `/v1/holds/${'h'.repeat(500)}`),
  invalidGet('hold id with broken percent-encoding', '/v1/holds/h.{ev}.%E0%A4%A'),
  invalidGet('hold id with an encoded lone surrogate', '/v1/holds/h.%ED%A0%80.x'),
  {
    name: 'confirm an unknown hold',
    method: 'POST',
    url: '/v1/holds/nope/confirm',
    status: 404,
    code: 'hold_not_found',
  },
  {
    name: 'confirm an unknown hold of the event',
    method: 'POST',
    url: '/v1/holds/h.{ev}.AAAAAAAAAAAAAAAA/confirm',
    status: 404,
    code: 'hold_not_found',
  },
  {
    name: 'confirm a hold id with NUL',
    method: 'POST',
    url: '/v1/holds/h.{ev}.%00/confirm',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'release an unknown hold',
    method: 'DELETE',
    url: '/v1/holds/nope',
    status: 404,
    code: 'hold_not_found',
  },
  {
    name: 'release an unknown hold of the event',
    method: 'DELETE',
    url: '/v1/holds/h.{ev}.AAAAAAAAAAAAAAAA',
    status: 404,
    code: 'hold_not_found',
  },
  {
    name: 'release a hold id with NUL',
    method: 'DELETE',
    url: '/v1/holds/h.{ev}.%00',
    status: 400,
    code: 'invalid_request',
  },
  notFound('unknown order', '/v1/orders/nope', 'order_not_found'),
  notFound('unknown order of the event', '/v1/orders/o.{ev}.AAAAAAAAAAAAAAAA', 'order_not_found'),
  notFound('order id with path traversal', '/v1/orders/..%2F..%2Fetc', 'order_not_found'),
  notFound('order id as an emoji', '/v1/orders/%F0%9F%8E%AB', 'order_not_found'),
  invalidGet('order id with NUL', '/v1/orders/o.{ev}.%00'),
  invalidGet('order id of 500 characters', `/v1/orders/${'o'.repeat(500)}`),
  {
    name: 'cancel an unknown order',
    method: 'POST',
    url: '/v1/orders/o.{ev}.AAAAAAAAAAAAAAAA/cancel',
    headers: admin,
    status: 404,
    code: 'order_not_found',
  },
  {
    name: 'cancel an order id with NUL',
    method: 'POST',
    url: '/v1/orders/o.{ev}.%00/cancel',
    headers: admin,
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'cancel an order without a credential',
    method: 'POST',
    url: '/v1/orders/{order}/cancel',
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'cancel an order with a body (the route takes none)',
    method: 'POST',
    url: '/v1/orders/{order}/cancel',
    headers: { ...admin, ...JSON_TYPE },
    raw: '{"reason":',
    status: 400,
    code: 'body_not_allowed',
  },
  ...(
    [
      ['change the layout of an event', { pools: [{ id: 'ga', capacity: 1, price: 1 }] }],
      ['change the sale rules of an event', { maxPerUser: 1 }],
      ['change nothing of an event', {}],
      ['close sales with a string', { salesOpen: 'false' }],
      ['move an event to no time', { startsAt: '2027-13-45T99:00:00Z' }],
      ['rename an event to nothing', { name: '' }],
      ['rename an event with NUL', { name: 'a\u0000b' }],
      ['change an event with an array', [{ salesOpen: false }]],
    ] as const
  ).map(
    ([name, body]): BadCase => ({
      name,
      method: 'PATCH',
      url: '/v1/events/{ev}',
      headers: admin,
      body,
      status: 400,
      code: 'invalid_request',
    }),
  ),
  {
    name: 'change an event with truncated JSON',
    method: 'PATCH',
    url: '/v1/events/{ev}',
    headers: { ...admin, ...JSON_TYPE },
    raw: '{"salesOpen":',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'change an unknown event',
    method: 'PATCH',
    url: '/v1/events/no-such-event',
    headers: admin,
    body: { salesOpen: false },
    status: 404,
    code: 'event_not_found',
  },
  {
    name: 'change an event without a credential',
    method: 'PATCH',
    url: '/v1/events/{ev}',
    body: { salesOpen: false },
    status: 401,
    code: 'unauthorized',
  },
  notFound('unknown ticket', '/v1/tickets/nope', 'ticket_not_found'),
  notFound('unknown ticket of the event', '/v1/tickets/t.{ev}.AAAAAAAAAAAAAAAA.0', 'ticket_not_found'),
  notFound('ticket id with path traversal', '/v1/tickets/..%2F..%2Fetc', 'ticket_not_found'),
  invalidGet('ticket id with NUL', '/v1/tickets/%00'),
  notFound('unknown venue', '/v1/venues/Nowhere/revenue', 'venue_not_found'),
  notFound('venue as an emoji', '/v1/venues/%F0%9F%8E%AB/revenue', 'venue_not_found'),
  notFound(
    'venue with SQL injection',
    `/v1/venues/${encodeURIComponent("x' OR '1'='1")}/revenue`,
    'venue_not_found',
  ),
  notFound('venue with path traversal', '/v1/venues/..%2F..%2Fetc/revenue', 'venue_not_found'),
  invalidGet('venue with NUL', '/v1/venues/Test%00Arena/revenue'),
  invalidGet('events cursor with NUL', '/v1/events?cursor=%00'),
  invalidGet('tickets cursor with NUL', '/v1/events/{ev}/tickets?cursor=%00'),
  notFound('unknown route', '/v1/nope', 'route_not_found'),
  { name: 'PATCH a hold', method: 'PATCH', url: '/v1/holds/{held}', status: 404, code: 'route_not_found' },
  {
    name: 'PUT an event',
    method: 'PUT',
    url: '/v1/events/{ev}',
    body: {},
    status: 404,
    code: 'route_not_found',
  },
  { name: 'DELETE an event', method: 'DELETE', url: '/v1/events/{ev}', status: 404, code: 'route_not_found' },
];

// --- event definitions --------------------------------------------------------------------------------------

let badEventCounter = 0;
/** Ids of the bad event definitions: none of them may exist afterwards. */
export const BAD_EVENT_IDS: string[] = [];

function eventDraft(extra: Record<string, unknown>) {
  const id = `bad-ev-${++badEventCounter}`;
  BAD_EVENT_IDS.push(id);
  return {
    id,
    name: 'Bad event',
    venue: 'Bad Venue',
    startsAt: '2027-01-01T20:00:00Z',
    pools: [{ id: 'ga', capacity: 10, price: 100 }],
    ...extra,
  };
}
function nestedArrays(levels: number): unknown {
  return levels === 0 ? [] : [nestedArrays(levels - 1)];
}
function badEvent(
  name: string,
  extra: Record<string, unknown>,
  status = 400,
  code = 'invalid_request',
): BadCase {
  return { name, method: 'POST', url: '/v1/events', headers: admin, body: eventDraft(extra), status, code };
}
const section = (rows: unknown, extra: Record<string, unknown> = {}) => ({
  id: 'S',
  price: 100,
  rows,
  ...extra,
});
const rows = (n: number, seatsPerRow: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `${i}`, seats: seatsPerRow }));
const pool = (extra: Record<string, unknown>) => [{ id: 'ga', capacity: 10, price: 100, ...extra }];

const events: BadCase[] = [
  badEvent('a field nested 17 deep', { extra: nestedArrays(16) }, 400, 'json_too_deep'),
  badEvent('no pools and no sections', { pools: undefined }),
  badEvent('empty pools and sections', { pools: [], sections: [] }),
  badEvent('duplicate pool ids', { pools: [...pool({}), ...pool({})] }),
  badEvent('duplicate section ids', { pools: [], sections: [section(rows(1, 1)), section(rows(1, 1))] }),
  badEvent('duplicate row ids', {
    pools: [],
    sections: [
      section([
        { id: '1', seats: 1 },
        { id: '1', seats: 2 },
      ]),
    ],
  }),
  badEvent('0 seats in a row', { sections: [section(rows(1, 0))] }),
  badEvent('1001 seats in a row', { sections: [section(rows(1, 1001))] }),
  badEvent('201,000 seats in all', { sections: [section(rows(201, 1000))] }),
  badEvent('no rows', { sections: [section([])] }),
  badEvent('501 rows', { sections: [section(rows(501, 1))] }),
  badEvent('101 pools', {
    pools: Array.from({ length: 101 }, (_, i) => ({ id: `p${i}`, capacity: 1, price: 1 })),
  }),
  badEvent('pool capacity 0', { pools: pool({ capacity: 0 }) }),
  badEvent('pool capacity -1', { pools: pool({ capacity: -1 }) }),
  badEvent('pool capacity over 10,000,000', { pools: pool({ capacity: 10_000_001 }) }),
  badEvent('pools over 10,000,000 in all', {
    pools: [...pool({ capacity: 10_000_000 }), { id: 'b', capacity: 1, price: 1 }],
  }),
  badEvent('negative pool price', { pools: pool({ price: -1 }) }),
  badEvent('fractional pool price', { pools: pool({ price: 45.5 }) }),
  badEvent('pool price as a string', { pools: pool({ price: '100' }) }),
  badEvent('pool price over PRICE_MAX', { pools: pool({ price: 100_000_001 }) }),
  badEvent('negative section price', { sections: [section(rows(1, 1), { price: -1 })] }),
  badEvent('fractional section price', { sections: [section(rows(1, 1), { price: 0.99 })] }),
  badEvent('startsAt not a date', { startsAt: 'tomorrow' }),
  badEvent('startsAt empty', { startsAt: '' }),
  badEvent('startsAt month 13', { startsAt: '2027-13-01T20:00:00Z' }),
  badEvent('startsAt 30 February', { startsAt: '2027-02-30T20:00:00Z' }),
  badEvent('startsAt without a time zone', { startsAt: '2027-01-01T20:00:00' }),
  badEvent('startsAt a leap second', { startsAt: '2027-12-31T23:59:60Z' }),
  badEvent('startsAt as a number', { startsAt: 1798833600000 }),
  badEvent('holdTtlSeconds 4', { holdTtlSeconds: 4 }),
  badEvent('holdTtlSeconds 3601', { holdTtlSeconds: 3601 }),
  badEvent('holdTtlSeconds -1', { holdTtlSeconds: -1 }),
  badEvent('holdTtlSeconds 1.5', { holdTtlSeconds: 1.5 }),
  badEvent('maxPerUser 0', { maxPerUser: 0 }),
  badEvent('maxPerUser 1001', { maxPerUser: 1001 }),
  badEvent('name empty', { name: '' }),
  badEvent('name of 201 characters', { name: 'n'.repeat(201) }),
  badEvent('name as a number', { name: 42 }),
  badEvent('venue missing', { venue: undefined }),
  badEvent('unknown field', { currency: 'EUR' }),
  badEvent('unknown field in a pool', { pools: pool({ remaining: 5 }) }),
  badEvent('section id with a dash', { sections: [section(rows(1, 1), { id: 'S-1' })] }),
  badEvent('row id with a dash', { sections: [section([{ id: '1-2', seats: 1 }])] }),
  badEvent('pool id with a space', { pools: pool({ id: 'g a' }) }),
  ...['bad id', 'a/b', 'a.b', '', 'e'.repeat(65), '🎫', "x'; DROP TABLE events; --"].map(
    (id): BadCase => ({
      name: `event id ${JSON.stringify(id.length > 20 ? `${id.slice(0, 8)}…(${id.length})` : id)}`,
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      body: { ...eventDraft({}), id },
      status: 400,
      code: 'invalid_request',
    }),
  ),
  badEvent('name with NUL', { name: 'Arena\u0000Night' }),
  badEvent('venue with NUL', { venue: 'Arena\u0000' }),
  badEvent('pool name with NUL', { pools: pool({ name: '\u0000' }) }),
  badEvent('section name with NUL', { sections: [section(rows(1, 1), { name: 'A\u0000' })] }),
  badEvent('name with a lone surrogate', { name: 'Arena \uD800' }),
  {
    name: 'event body as an array',
    method: 'POST',
    url: '/v1/events',
    headers: { ...admin, ...JSON_TYPE },
    raw: '[]',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'event body truncated',
    method: 'POST',
    url: '/v1/events',
    headers: { ...admin, ...JSON_TYPE },
    raw: '{"id":"bad-trunc","name":',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'event body with __proto__',
    method: 'POST',
    url: '/v1/events',
    headers: { ...admin, ...JSON_TYPE },
    raw: '{"id":"bad-proto","name":"n","venue":"v","startsAt":"2027-01-01T20:00:00Z","__proto__":{"x":1}}',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'duplicate event id',
    method: 'POST',
    url: '/v1/events',
    headers: admin,
    body: {
      id: EVENT_ID,
      name: 'Impostor',
      venue: 'Elsewhere',
      startsAt: '2030-01-01T00:00:00Z',
      pools: pool({}),
    },
    status: 409,
    code: 'event_exists',
  },
];

// --- waitlist -----------------------------------------------------------------------------------------------

const waitlist = '/v1/events/{ev}/waitlist';
const waitlistCases: BadCase[] = [
  {
    name: 'waitlist: malformed JSON',
    method: 'POST',
    url: waitlist,
    raw: '{"quantity":',
    headers: JSON_TYPE,
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'waitlist: no quantity',
    method: 'POST',
    url: waitlist,
    body: { userId: 'w', poolId: 'ga' },
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'waitlist: quantity as a string',
    method: 'POST',
    url: waitlist,
    body: { userId: 'w', quantity: '1', poolId: 'ga' },
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'waitlist: seats are not waited for',
    method: 'POST',
    url: waitlist,
    body: { userId: 'w', seats: ['A-1-1'] },
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'waitlist: no buyer named',
    method: 'POST',
    url: waitlist,
    body: { quantity: 1, poolId: 'ga' },
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'waitlist: pool and section',
    method: 'POST',
    url: waitlist,
    body: { userId: 'w', quantity: 1, poolId: 'ga', sectionId: 'A' },
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'waitlist: stock is on sale',
    method: 'POST',
    url: waitlist,
    body: { userId: 'w', quantity: 1, poolId: 'ga' },
    status: 409,
    code: 'not_sold_out',
  },
  {
    name: 'waitlist: unknown event',
    method: 'POST',
    url: '/v1/events/nope/waitlist',
    body: { userId: 'w', quantity: 1, poolId: 'ga' },
    status: 404,
    code: 'event_not_found',
  },
  {
    name: 'waitlist: leave without being in line',
    method: 'DELETE',
    url: `${waitlist}?userId=w`,
    status: 404,
    code: 'waitlist_entry_not_found',
  },
  {
    name: 'waitlist: leave naming nobody',
    method: 'DELETE',
    url: waitlist,
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'waitlist: place of a bad user id',
    method: 'GET',
    url: `${waitlist}/me?userId=a%20b`,
    status: 400,
    code: 'invalid_request',
  },
];

export const BAD_CASES: readonly BadCase[] = [
  ...parsing,
  ...poisoning,
  ...holdBodies,
  ...refusals,
  ...paymentBodies,
  ...oversized,
  ...hostile,
  ...headers,
  ...queries,
  ...ids,
  ...events,
  ...waitlistCases,
];
