// The one Store implementation, over any SqlDriver. Queries are plain SQL shared by PGlite and PostgreSQL.
import type { ApiKey } from '../domain/api-key.js';
import { capacityOf } from '../domain/event-spec.js';
import { IDEMPOTENCY_KEYS_PER_EVENT_MAX, IDEMPOTENCY_RETENTION_MS } from '../domain/limits.js';
import { isHoldEntry, type LogEntry } from '../domain/log-entry.js';
import type { GateSnapshot, IdempotencySnapshot } from '../domain/snapshot.js';
import type { EventSpec, Hold, Order, Ticket } from '../domain/types.js';
import {
  insertApiKey,
  markApiKeyRevoked,
  ORDER_COLUMNS,
  paymentOf,
  selectApiKey,
  selectApiKeys,
  selectBuyerHolds,
  selectBuyerOrders,
} from './access-queries.js';
import { cancelledOrdersOf, fence, unreflected } from './epoch-fence.js';
import { countedEventInsert } from './integrity/counters.js';
import { type Projection, project } from './projection.js';
import {
  type HoldRow,
  holdOf,
  orderStatusOf,
  pageOf,
  type TicketRow,
  ticketIndex,
  ticketOf,
} from './rows.js';
import type { SqlDriver, SqlExecutor } from './sql-driver.js';
import type {
  EventChange,
  EventRevenue,
  EventStats,
  GateStanding,
  LogTail,
  Page,
  ProjectionOutcome,
  Store,
  StoreAudit,
} from './store.js';
import { waitingEntries } from './waitlist-projection.js';

const HOLD_COLUMNS = 'id, event_id, user_id, status, items, total, created_at_ms, expires_at_ms, order_token';
const TICKET_COLUMNS = 'id, order_id, event_id, user_id, seat_id, pool_id, price, voided';
/** The columns and the definition both: listings read the definition, revenue reads the columns. */
const UPDATE_EVENT = `UPDATE events SET
  name = coalesce($2, name), venue = coalesce($3, venue), starts_at_ms = coalesce($4, starts_at_ms),
  sales_open = coalesce($6, sales_open),
  spec = spec || jsonb_strip_nulls(jsonb_build_object('name', $2::text, 'venue', $3::text, 'startsAt', $5::text))
  WHERE id = $1 RETURNING spec, sales_open`;
const INSERT_EVENT = `INSERT INTO events (id, name, venue, starts_at_ms, capacity, spec, created_at_ms)
  VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT (id) DO NOTHING RETURNING id`;

export interface SqlStoreOptions {
  /**
   * Keep the per-event integrity counters in step with every write (integrity/counters.ts): the embedded
   * shape, whose start-up check compares them with the tables. The table must exist (ensureIntegrityCounters).
   */
  readonly integrityCounters?: boolean;
}

export class SqlStore implements Store {
  readonly #db: SqlDriver;
  readonly #insertEvent: string;
  readonly #projection: Projection;

  constructor(driver: SqlDriver, options: SqlStoreOptions = {}) {
    this.#db = driver;
    this.#insertEvent = options.integrityCounters ? countedEventInsert(INSERT_EVENT) : INSERT_EVENT;
    this.#projection = options.integrityCounters ? 'counted' : 'plain';
  }

  /** The database, for parts that keep tables of their own (webhooks: src/webhooks/webhook-store.ts). */
  get driver(): SqlDriver {
    return this.#db;
  }

  async createEvent(spec: EventSpec, nowMs: number): Promise<boolean> {
    const rows = await this.#db.query(this.#insertEvent, [
      spec.id,
      spec.name,
      spec.venue,
      Date.parse(spec.startsAt),
      capacityOf(spec),
      JSON.stringify(spec),
      nowMs,
    ]);
    return rows.length === 1;
  }

  async setEventQueue(eventId: string, queue: object): Promise<boolean> {
    const rows = await this.#db.query('UPDATE events SET queue = $2::jsonb WHERE id = $1 RETURNING id', [
      eventId,
      JSON.stringify(queue),
    ]);
    return rows.length === 1;
  }

  async eventQueues(): Promise<{ eventId: string; queue: object }[]> {
    const rows = await this.#db.query<{ id: string; queue: object }>(
      'SELECT id, queue FROM events WHERE queue IS NOT NULL ORDER BY id',
    );
    return rows.map((row) => ({ eventId: row.id, queue: row.queue }));
  }

  async updateEvent(
    eventId: string,
    change: EventChange,
  ): Promise<{ spec: EventSpec; salesOpen: boolean } | undefined> {
    const rows = await this.#db.query<{ spec: EventSpec; sales_open: boolean }>(UPDATE_EVENT, [
      eventId,
      change.name ?? null,
      change.venue ?? null,
      change.startsAt === undefined ? null : Date.parse(change.startsAt),
      change.startsAt ?? null,
      change.salesOpen ?? null,
    ]);
    const row = rows[0];
    return row === undefined ? undefined : { spec: row.spec, salesOpen: row.sales_open };
  }

  async appendEntries(entries: readonly LogEntry[]): Promise<ProjectionOutcome> {
    return this.#db.transaction(async (tx) => {
      const { current, stale } = await fence(tx, entries);
      await project(tx, current, this.#projection);
      return { refused: await unreflected(tx, stale) };
    });
  }

  async gateStanding(eventId: string): Promise<GateStanding | undefined> {
    const rows = await this.#db.query<{ gate_epoch: string; gate_lost: string | null }>(
      `SELECT e.gate_epoch, l.reason AS gate_lost FROM events e LEFT JOIN gate_losses l ON l.event_id = e.id
       WHERE e.id = $1`,
      [eventId],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const epoch = Number(row.gate_epoch);
    return row.gate_lost === null ? { epoch } : { epoch, lost: row.gate_lost };
  }

  async beginGateEpoch(eventId: string): Promise<number | undefined> {
    return this.#db.transaction(async (tx) => {
      // Waits for projection batches that hold the event's row (the fence): they commit under the old epoch.
      const rows = await tx.query<{ gate_epoch: string }>(
        'UPDATE events SET gate_epoch = gate_epoch + 1 WHERE id = $1 RETURNING gate_epoch',
        [eventId],
      );
      await tx.query('DELETE FROM gate_losses WHERE event_id = $1', [eventId]);
      return rows[0] === undefined ? undefined : Number(rows[0].gate_epoch);
    });
  }

  async markGateLost(eventId: string, reason: string): Promise<void> {
    // Never touches the events row: a worker stopped mid-batch holds it (migration 009). The first reason stays.
    await this.#db.query(
      'INSERT INTO gate_losses (event_id, reason) SELECT id, $2 FROM events WHERE id = $1 ON CONFLICT DO NOTHING',
      [eventId, reason],
    );
  }

  async loadSnapshot(nowMs: number, eventId?: string): Promise<GateSnapshot> {
    // '' matches every event: one query text for both uses.
    const only = eventId ?? '';
    const events = await this.#db.query<{ spec: EventSpec }>(
      "SELECT spec FROM events WHERE ($1 = '' OR id = $1) ORDER BY created_at_ms, id",
      [only],
    );
    const holds = await this.#db.query<HoldRow>(
      // A cancelled order's hold no longer occupies stock: it is left out, its order listed below.
      `SELECT ${HOLD_COLUMNS} FROM holds WHERE status IN ('held', 'confirmed') AND ($1 = '' OR event_id = $1)
         AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.hold_id = holds.id AND o.status = 'cancelled')
       ORDER BY created_at_ms, id`,
      [only],
    );
    const idempotency = await this.#db.query<{
      event_id: string;
      user_id: string;
      idempotency_key: string;
      id: string;
      fingerprint: string;
      created_at_ms: string;
    }>(
      // The newest keys of each event within the gates' bound, not every key of the last hour: the gates
      // would forget the rest at once, and a restart should not load more than they keep.
      `SELECT event_id, user_id, idempotency_key, id, fingerprint, created_at_ms FROM (
         SELECT event_id, user_id, idempotency_key, id, fingerprint, created_at_ms,
           row_number() OVER (PARTITION BY event_id ORDER BY created_at_ms DESC, id DESC) AS newest
         FROM holds
         WHERE idempotency_key IS NOT NULL AND created_at_ms > $1 AND ($2 = '' OR event_id = $2)
       ) AS recent WHERE newest <= $3
       ORDER BY created_at_ms, id`,
      [nowMs - IDEMPOTENCY_RETENTION_MS, only, IDEMPOTENCY_KEYS_PER_EVENT_MAX],
    );
    const closed = await this.#db.query<{ id: string }>(
      "SELECT id FROM events WHERE NOT sales_open AND ($1 = '' OR id = $1)",
      [only],
    );
    const cancelled = await this.#db.query<{ event_id: string; id: string; cancelled_at_ms: string }>(
      `SELECT event_id, id, cancelled_at_ms FROM orders WHERE status = 'cancelled' AND ($1 = '' OR event_id = $1)`,
      [only],
    );
    const waitlist = await waitingEntries(this.#db, only);
    return {
      waitlist,
      closedEvents: closed.map((row) => row.id),
      cancelledOrders: cancelled.map((row) => ({
        eventId: row.event_id,
        orderId: row.id,
        cancelledAtMs: Number(row.cancelled_at_ms),
      })),
      events: events.map((row) => row.spec),
      holds: holds.map(holdOf),
      idempotency: idempotency.map(
        (row): IdempotencySnapshot => ({
          eventId: row.event_id,
          userId: row.user_id,
          key: row.idempotency_key,
          holdId: row.id,
          fingerprint: row.fingerprint,
          createdAtMs: Number(row.created_at_ms),
        }),
      ),
    };
  }

  async listEvents(limit: number, cursor?: string): Promise<Page<EventSpec>> {
    const rows = await this.#db.query<{ id: string; spec: EventSpec }>(
      'SELECT id, spec FROM events WHERE id > $1 ORDER BY id LIMIT $2',
      [cursor ?? '', limit + 1],
    );
    return pageOf(
      rows.map((row) => row.spec),
      limit,
      (spec) => spec.id,
    );
  }

  async getHold(holdId: string): Promise<Hold | undefined> {
    const rows = await this.#db.query<HoldRow>(`SELECT ${HOLD_COLUMNS} FROM holds WHERE id = $1`, [holdId]);
    return rows[0] === undefined ? undefined : holdOf(rows[0]);
  }

  async getOrder(orderId: string): Promise<Order | undefined> {
    const orders = await this.#db.query<{
      id: string;
      hold_id: string;
      event_id: string;
      user_id: string;
      total: string;
      created_at_ms: string;
      status: string;
      cancelled_at_ms: string | null;
      payment_reference: string | null;
      late: boolean;
    }>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [orderId]);
    const order = orders[0];
    if (order === undefined) return undefined;
    const tickets = await this.#db.query<TicketRow>(
      `SELECT ${TICKET_COLUMNS} FROM tickets WHERE order_id = $1 ORDER BY id`,
      [orderId],
    );
    return {
      id: order.id,
      holdId: order.hold_id,
      eventId: order.event_id,
      userId: order.user_id,
      total: Number(order.total),
      createdAtMs: Number(order.created_at_ms),
      ...paymentOf(order),
      // Ticket ids end in their index; sort numerically so that ticket 10 follows ticket 9.
      tickets: tickets.map(ticketOf).sort((a, b) => ticketIndex(a.id) - ticketIndex(b.id)),
      ...orderStatusOf(order),
    };
  }

  async getTicket(ticketId: string): Promise<Ticket | undefined> {
    const rows = await this.#db.query<TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE id = $1`, [
      ticketId,
    ]);
    return rows[0] === undefined ? undefined : ticketOf(rows[0]);
  }

  async listTickets(eventId: string, limit: number, cursor?: string): Promise<Page<Ticket>> {
    const rows = await this.#db.query<TicketRow>(
      // The event's tickets that admit someone: void ones are found through their orders.
      `SELECT ${TICKET_COLUMNS} FROM tickets WHERE event_id = $1 AND id > $2 AND NOT voided ORDER BY id LIMIT $3`,
      [eventId, cursor ?? '', limit + 1],
    );
    return pageOf(rows.map(ticketOf), limit, (ticket) => ticket.id);
  }

  async eventStats(eventId: string): Promise<EventStats | undefined> {
    const rows = await this.#db.query<{
      capacity: number;
      held: string;
      sold: string;
      revenue: string;
      orders: string;
    }>(
      `SELECT e.capacity,
         (SELECT coalesce(sum(quantity), 0) FROM holds WHERE event_id = e.id AND status = 'held') AS held,
         (SELECT count(*) FROM tickets WHERE event_id = e.id AND NOT voided) AS sold,
         (SELECT coalesce(sum(total), 0) FROM orders WHERE event_id = e.id AND status = 'confirmed') AS revenue,
         (SELECT count(*) FROM orders WHERE event_id = e.id AND status = 'confirmed') AS orders
       FROM events e WHERE e.id = $1`,
      [eventId],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const sold = Number(row.sold);
    const held = Number(row.held);
    return {
      capacity: row.capacity,
      sold,
      held,
      available: row.capacity - sold - held,
      revenue: Number(row.revenue),
      orders: Number(row.orders),
    };
  }

  async venueRevenue(venue: string): Promise<EventRevenue[]> {
    const rows = await this.#db.query<{
      id: string;
      name: string;
      starts_at_ms: string;
      sold: string;
      orders: string;
      revenue: string;
    }>(
      `SELECT e.id, e.name, e.starts_at_ms,
         (SELECT count(*) FROM tickets t WHERE t.event_id = e.id AND NOT t.voided) AS sold,
         count(o.id) AS orders, coalesce(sum(o.total), 0) AS revenue
       FROM events e LEFT JOIN orders o ON o.event_id = e.id AND o.status = 'confirmed'
       WHERE e.venue = $1 GROUP BY e.id, e.name, e.starts_at_ms ORDER BY e.starts_at_ms, e.id`,
      [venue],
    );
    return rows.map((row) => ({
      eventId: row.id,
      name: row.name,
      startsAt: new Date(Number(row.starts_at_ms)).toISOString(),
      sold: Number(row.sold),
      orders: Number(row.orders),
      revenue: Number(row.revenue),
    }));
  }

  async audit(eventId: string, tail?: LogTail): Promise<StoreAudit> {
    if (tail === undefined) return auditIn(this.#db, eventId);
    // One snapshot for the counts and for the statuses of the tail's holds: an entry is counted either in
    // the store or as unreflected, never both, even while projectors commit.
    return this.#db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      // The snapshot starts with the first query, which must come before the tail is read (see auditStream).
      await tx.query('SELECT 1');
      const entries = (await tail()).filter(isHoldEntry);
      const ids = [...new Set(entries.map((entry) => entry.hold.id))];
      const rows =
        ids.length === 0
          ? []
          : await tx.query<{ id: string; status: Hold['status'] }>(
              'SELECT id, status FROM holds WHERE id = ANY($1::text[])',
              [ids],
            );
      const stored = new Map(rows.map((row) => [row.id, row.status]));
      const cancelled = await cancelledOrdersOf(tx, entries);
      const unreflected = entries.filter((entry) => {
        if (entry.type === 'order_cancelled') return !cancelled.has(entry.orderId);
        const status = stored.get(entry.hold.id);
        return entry.type === 'hold_placed'
          ? status === undefined
          : status === undefined || status === 'held';
      });
      // Holds the store still shows held though their ending is decided: with several projectors, a new hold
      // on the same seat may be stored first. Their seats are not counted as occupied twice meanwhile.
      const ending = unreflected
        .filter((entry) => entry.type !== 'hold_placed' && entry.type !== 'order_cancelled')
        .map((entry) => entry.hold.id);
      return { ...(await auditIn(tx, eventId, ending)), unreflected };
    });
  }

  listBuyerHolds(userId: string, nowMs: number, limit: number, cursor?: string): Promise<Page<Hold>> {
    return selectBuyerHolds(this.#db, userId, nowMs, limit, cursor);
  }

  listBuyerOrders(userId: string, limit: number, cursor?: string): Promise<Page<Order>> {
    return selectBuyerOrders(this.#db, userId, limit, cursor);
  }

  createApiKey(key: ApiKey): Promise<void> {
    return insertApiKey(this.#db, key);
  }

  getApiKey(id: string): Promise<ApiKey | undefined> {
    return selectApiKey(this.#db, id);
  }

  listApiKeys(limit: number, cursor?: string): Promise<Page<ApiKey>> {
    return selectApiKeys(this.#db, limit, cursor);
  }

  revokeApiKey(id: string, nowMs: number): Promise<ApiKey | undefined> {
    return markApiKeyRevoked(this.#db, id, nowMs);
  }

  async ping(): Promise<void> {
    await this.#db.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}

async function auditIn(
  db: SqlExecutor,
  eventId: string,
  endingHoldIds: readonly string[] = [],
): Promise<StoreAudit> {
  const [counts] = await db.query<Record<string, string>>(AUDIT_COUNTS, [eventId, endingHoldIds]);
  const pools = await db.query<{ pool_id: string; sold: string; held: string }>(AUDIT_POOLS, [eventId]);
  // Null-prototype maps: a pool may be called `__proto__` or `constructor`.
  const soldByPool: Record<string, number> = Object.create(null);
  const heldByPool: Record<string, number> = Object.create(null);
  for (const row of pools) {
    soldByPool[row.pool_id] = Number(row.sold);
    heldByPool[row.pool_id] = Number(row.held);
  }
  const number = (key: string) => Number(counts?.[key] ?? 0);
  const gateLost = counts?.gate_lost ?? undefined;
  return {
    ...(gateLost === undefined || gateLost === null ? {} : { gateLost }),
    tickets: number('tickets'),
    orders: number('orders'),
    heldItems: number('held_items'),
    doubleBooked: number('double_booked'),
    phantom: number('phantom'),
    soldByPool,
    heldByPool,
  };
}

const AUDIT_COUNTS = `
WITH occupied AS (
  SELECT seat_id FROM tickets WHERE event_id = $1 AND seat_id IS NOT NULL AND NOT voided
  UNION ALL
  SELECT item->>'seatId' FROM holds CROSS JOIN LATERAL jsonb_array_elements(items) AS item
  WHERE event_id = $1 AND status = 'held' AND item ? 'seatId' AND NOT (id = ANY($2::text[]))
)
SELECT
  (SELECT count(*) FROM tickets WHERE event_id = $1 AND NOT voided) AS tickets,
  (SELECT count(*) FROM orders WHERE event_id = $1 AND status = 'confirmed') AS orders,
  (SELECT coalesce(sum(quantity), 0) FROM holds WHERE event_id = $1 AND status = 'held') AS held_items,
  (SELECT count(*) FROM (SELECT seat_id FROM occupied GROUP BY seat_id HAVING count(*) > 1) AS twice) AS double_booked,
  (SELECT count(*) FROM orders o LEFT JOIN holds h ON h.id = o.hold_id
    WHERE o.event_id = $1 AND (h.id IS NULL OR h.status <> 'confirmed' OR h.quantity <> o.ticket_count
      OR o.ticket_count <> (SELECT count(*) FROM tickets t WHERE t.order_id = o.id)))
  + (SELECT count(*) FROM tickets t LEFT JOIN orders o ON o.id = t.order_id
    WHERE t.event_id = $1 AND (o.id IS NULL OR o.event_id <> t.event_id)) AS phantom,
  (SELECT reason FROM gate_losses WHERE event_id = $1) AS gate_lost`;

const AUDIT_POOLS = `
SELECT pool_id, sum(sold) AS sold, sum(held) AS held FROM (
  SELECT pool_id, count(*) AS sold, 0 AS held FROM tickets WHERE event_id = $1 AND pool_id IS NOT NULL AND NOT voided GROUP BY pool_id
  UNION ALL
  SELECT item->>'poolId', 0, sum((item->>'quantity')::integer) FROM holds CROSS JOIN LATERAL jsonb_array_elements(items) AS item
  WHERE event_id = $1 AND status = 'held' AND item ? 'poolId' GROUP BY item->>'poolId'
) AS per_pool GROUP BY pool_id`;
