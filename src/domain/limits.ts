// Every input and every structure has a bound. The comment beside each says why it has that value.

/** Ids given by clients (events, pools, users, idempotency keys): long enough for a UUID with a prefix. */
export const ID_LENGTH_MAX = 64;
/** Section and row ids are parts of a seat id (`A-1-7`), so they stay short and have no `-`. */
export const SEAT_PART_LENGTH_MAX = 16;
/** Names and venues are display text; a line of a ticket, not a document. */
export const NAME_LENGTH_MAX = 200;
/** One event may be a stadium: 100,000 numbered seats is the design point, with room to spare. */
export const SEATS_PER_EVENT_MAX = 200_000;
/** Counted stock of one event (all pools together); a festival field, not an unbounded counter. */
export const POOL_CAPACITY_MAX = 10_000_000;
export const POOLS_PER_EVENT_MAX = 100;
export const SECTIONS_PER_EVENT_MAX = 500;
export const ROWS_PER_SECTION_MAX = 500;
export const SEATS_PER_ROW_MAX = 1_000;
/** Seats or tickets in one hold: a family or a group, not a reseller's bulk buy. */
export const ITEMS_PER_HOLD_MAX = 50;
/** Highest per-user limit an event may set; higher than ITEMS_PER_HOLD_MAX so a user may hold twice. */
export const MAX_PER_USER_MAX = 1_000;
/** Prices are integer minor units; this bound keeps every total far inside Number.MAX_SAFE_INTEGER. */
export const PRICE_MAX = 100_000_000;
/** A hold lives at least long enough to be confirmed by a person and at most one hour. */
export const HOLD_TTL_SECONDS_MIN = 5;
export const HOLD_TTL_SECONDS_MAX = 3_600;
/**
 * Longest life of an extended hold, from placement: a card payment with a bank's challenge takes minutes,
 * a slow one a quarter of an hour; two hours (twice the longest TTL) covers any payment a person waits for,
 * while seats held longer are seats kept from every other buyer of a flash sale.
 */
export const MAX_HOLD_SECONDS_MAX = 2 * HOLD_TTL_SECONDS_MAX;
/** One extension asks for at most this much more time from now: the longest TTL. */
export const HOLD_EXTENSION_SECONDS_MAX = HOLD_TTL_SECONDS_MAX;
/**
 * Claim window of a waitlist offer when the event sets none: minutes, not days. The buyer is told at once on
 * the live channel; ten minutes is enough to come back and pay, and stock offered to an absent buyer passes to
 * the next in line after it. An event may set its own within the hold TTL bounds.
 */
export const OFFER_TTL_SECONDS_DEFAULT = 10 * 60;
/**
 * Buyers waiting on one event's waitlists together. A sold-out stadium of 100,000 seats with twice as many
 * buyers still hoping fits; a waitlist beyond that would wait for stock that never comes back.
 */
export const WAITLIST_ENTRIES_PER_EVENT_MAX = 200_000;
/**
 * Buyers looked at per offer when stock comes back, first in line first: an entry that does not fit (it asks
 * for more than came back, or its buyer is at the per-user limit) is passed over, and the search stops after
 * this many so that a release never costs more than a bounded step, however long the line.
 */
export const WAITLIST_OFFER_SCAN_MAX = 64;
/** A payment reference is a provider's id (Stripe `pi_…`, Adyen PSP references): short, printable. */
export const PAYMENT_REFERENCE_LENGTH_MAX = 128;
/**
 * How long the gate remembers that it confirmed an expired hold late, so that a second late confirm racing
 * on a stale read of the store answers with the same order instead of taking the stock twice. A read is
 * stale for milliseconds; requests are bounded far below an hour; so is this memory.
 */
export const LATE_CONFIRM_MEMORY_MS = 60 * 60 * 1000;
/** Body of an event definition: 200,000 seats described by rows stay far below this. */
export const EVENT_BODY_BYTES_MAX = 1024 * 1024;
/** Body of a hold or order request: 50 seat ids of at most 50 characters fit many times over. */
export const HOLD_BODY_BYTES_MAX = 16 * 1024;
/** Body of a confirm or an extension: a reference and an amount, or a number of seconds, fit many times over. */
export const PAYMENT_BODY_BYTES_MAX = 4 * 1024;
/**
 * Nesting of a JSON body (objects and arrays). The deepest valid body, an event definition, nests 5 levels
 * (event → sections → section → rows → row); 16 leaves room to grow. A body nested deeper is refused by a
 * scan of its text before JSON.parse builds it: a megabyte of `[[[[` costs the parser, the
 * prototype-poisoning check and the schema validator a walk each, and the stack.
 */
export const JSON_DEPTH_MAX = 16;
/** A group commit writes at most this many log entries in one transaction; the rest form the next batch. */
export const COMMIT_BATCH_ENTRIES_MAX = 2_000;
/**
 * Idempotency keys are remembered this long after their hold was placed. A key exists for retrying a
 * request whose answer was lost, which clients do within seconds or minutes; one hour is the longest hold
 * TTL (HOLD_TTL_SECONDS_MAX), so a retry is recognised for as long as the hold it would duplicate can be
 * live. (It was 24 h, as with payment APIs: 18,185 keyed hold+release cycles in 30 s then grew RSS 74 MB.)
 */
export const IDEMPOTENCY_RETENTION_MS = 60 * 60 * 1000;
/**
 * Newest idempotency keys remembered per buyer per event; placing with a 17th key forgets that buyer's
 * oldest. A client retries only the requests it is still waiting on: one buyer's devices have a handful in
 * flight at once, and 16 leaves room for a session of hold, release, hold again within the retry window.
 * A buyer's placements can only push out that buyer's own keys.
 */
export const IDEMPOTENCY_KEYS_PER_BUYER_MAX = 16;
/**
 * Idempotency keys remembered per event, all buyers together; beyond it the oldest are forgotten first.
 * The design point is 200,000 people pressing "buy" at once, each with a request in flight, so each keeps
 * their newest key through the rush. At the measured cost per key (docs/benchmarks.md: ~0.9 KB in the memory
 * gate, ~0.43 KB in Redis) a full event holds at most ~180 MiB (embedded) or ~82 MiB (Redis) of keys.
 */
export const IDEMPOTENCY_KEYS_PER_EVENT_MAX = 200_000;
/** Pages of list endpoints. */
export const PAGE_SIZE_DEFAULT = 100;
export const PAGE_SIZE_MAX = 1_000;
/**
 * Seats one JSON answer of GET /v1/events/:id/seats lists at most: ~40 bytes of JSON per seat make 10,000 seats
 * ~400 KB and tens of ms of CPU, about the cost of any other large answer here, and a section of a real venue
 * fits. A whole stadium (200,000 seats, 8 MB, 1-2 s of CPU per call) is read in the compact form instead.
 */
export const SEAT_LIST_SEATS_MAX = 10_000;
