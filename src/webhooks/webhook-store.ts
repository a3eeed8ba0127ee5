// The webhooks' tables (migration 010): endpoints, the outbox of deliveries, and their attempts. Plain SQL
// shared by PGlite and PostgreSQL like the rest of the store; every method is one statement or one
// transaction, so several dispatchers (distributed workers) may share the tables.
import type { SqlDriver } from '../store/sql-driver.js';
import type { WebhookEventType } from './event-types.js';

export interface Endpoint {
  readonly id: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly description: string;
  readonly enabled: boolean;
  /** Why it was disabled: `admin`, `gone` (it answered 410) or `failing` (failing for too long). */
  readonly disabledReason?: string;
  readonly secretSealed: string;
  readonly previousSecretSealed?: string;
  readonly previousUntilMs?: number;
  readonly failingSinceMs?: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface EndpointChange {
  readonly url?: string;
  readonly events?: readonly WebhookEventType[];
  readonly description?: string;
  readonly enabled?: boolean;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One message to one endpoint, as the outbox keeps it. */
export interface Delivery {
  readonly seq: number;
  readonly messageId: string;
  readonly replay: boolean;
  readonly endpointId: string;
  readonly eventId: string;
  readonly type: string;
  readonly body: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly createdAtMs: number;
  readonly nextAttemptAtMs: number;
  readonly lastAttemptAtMs?: number;
  readonly lastResponseStatus?: number;
  readonly finishedAtMs?: number;
}

export interface NewDelivery {
  readonly messageId: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly type: string;
  readonly body: string;
  readonly createdAtMs: number;
}

export interface Attempt {
  readonly deliverySeq: number;
  readonly attempt: number;
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly outcome: 'succeeded' | 'failed';
  readonly responseStatus?: number;
  readonly error?: string;
}

/** What becomes of a delivery after an attempt. */
export interface AttemptResult {
  readonly attempt: Attempt;
  /** `pending` with the time of the next try, or finished. */
  readonly status: DeliveryStatus;
  readonly nextAttemptAtMs: number;
  /** The endpoint answered 410 Gone: it is disabled with reason `gone`. */
  readonly gone?: boolean;
}

export interface Backlog {
  /** Pending deliveries to enabled endpoints. */
  readonly depth: number;
  /** Creation time of the oldest of them. */
  readonly oldestCreatedAtMs?: number;
}

const ENDPOINT_COLUMNS = `id, url, events, description, enabled, disabled_reason, secret_sealed,
  previous_secret_sealed, previous_until_ms, failing_since_ms, created_at_ms, updated_at_ms`;
const DELIVERY_COLUMNS = `seq, message_id, replay, endpoint_id, event_id, type, body, status, attempts,
  created_at_ms, next_attempt_at_ms, last_attempt_at_ms, last_response_status, finished_at_ms`;

type Row = Record<string, unknown>;

/** Arbitrary, fixed: the advisory lock that serialises ingest steps (migrate.ts uses 7_404_001). */
const INGEST_LOCK_KEY = 7_404_010;

export class WebhookStore {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async createEndpoint(endpoint: Endpoint): Promise<void> {
    await this.#db.query(
      `INSERT INTO webhook_endpoints (${ENDPOINT_COLUMNS})
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, NULL, NULL, NULL, $8, $8)`,
      [
        endpoint.id,
        endpoint.url,
        JSON.stringify(endpoint.events),
        endpoint.description,
        endpoint.enabled,
        endpoint.disabledReason ?? null,
        endpoint.secretSealed,
        endpoint.createdAtMs,
      ],
    );
  }

  async getEndpoint(id: string): Promise<Endpoint | undefined> {
    const rows = await this.#db.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1`, [
      id,
    ]);
    return rows[0] === undefined ? undefined : endpointOf(rows[0]);
  }

  async listEndpoints(limit: number, cursor?: string): Promise<{ items: Endpoint[]; nextCursor?: string }> {
    const rows = await this.#db.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id > $1 ORDER BY id LIMIT $2`,
      [cursor ?? '', limit + 1],
    );
    const items = rows.slice(0, limit).map(endpointOf);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1]?.id : undefined };
  }

  async enabledEndpoints(): Promise<Endpoint[]> {
    const rows = await this.#db.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE enabled ORDER BY id`,
    );
    return rows.map(endpointOf);
  }

  /** Enabling again clears why it was disabled and its failing streak. undefined: no such endpoint. */
  async updateEndpoint(id: string, change: EndpointChange, nowMs: number): Promise<Endpoint | undefined> {
    const rows = await this.#db.query(
      `UPDATE webhook_endpoints SET
         url = COALESCE($2, url),
         events = COALESCE($3::jsonb, events),
         description = COALESCE($4, description),
         enabled = COALESCE($5, enabled),
         disabled_reason = CASE WHEN $5 IS NULL THEN disabled_reason WHEN $5 THEN NULL ELSE 'admin' END,
         failing_since_ms = CASE WHEN $5 THEN NULL ELSE failing_since_ms END,
         updated_at_ms = $6
       WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
      [
        id,
        change.url ?? null,
        change.events === undefined ? null : JSON.stringify(change.events),
        change.description ?? null,
        change.enabled ?? null,
        nowMs,
      ],
    );
    return rows[0] === undefined ? undefined : endpointOf(rows[0]);
  }

  /** The endpoint, its deliveries and their attempts. false: no such endpoint. */
  async deleteEndpoint(id: string): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      const rows = await tx.query('DELETE FROM webhook_endpoints WHERE id = $1 RETURNING id', [id]);
      await tx.query(
        `DELETE FROM webhook_attempts WHERE delivery_seq IN
           (SELECT seq FROM webhook_deliveries WHERE endpoint_id = $1)`,
        [id],
      );
      await tx.query('DELETE FROM webhook_deliveries WHERE endpoint_id = $1', [id]);
      return rows.length === 1;
    });
  }

  /** The new secret signs from now on; the one it replaces also signs until `previousUntilMs`. */
  async rotateSecret(
    id: string,
    secretSealed: string,
    previousUntilMs: number,
    nowMs: number,
  ): Promise<Endpoint | undefined> {
    const rows = await this.#db.query(
      `UPDATE webhook_endpoints SET previous_secret_sealed = secret_sealed, previous_until_ms = $3,
         secret_sealed = $2, updated_at_ms = $4
       WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
      [id, secretSealed, previousUntilMs, nowMs],
    );
    return rows[0] === undefined ? undefined : endpointOf(rows[0]);
  }

  /**
   * Runs one ingest step in one transaction, alone: `work` reads the log and returns the deliveries, which
   * are added in the order given (the order of sending per endpoint and sale event). The lock makes members
   * of the group that ingest at once take turns, reading included, so that a later batch of the log never
   * reaches the outbox before an earlier one. A message already in the outbox is skipped: reading a log
   * entry again adds nothing.
   */
  async ingest<T>(work: () => Promise<{ deliveries: readonly NewDelivery[]; result: T }>): Promise<T> {
    return this.#db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${INGEST_LOCK_KEY})`);
      const { deliveries, result } = await work();
      for (const d of deliveries) {
        await tx.query(
          `INSERT INTO webhook_deliveries (message_id, replay, endpoint_id, event_id, type, body, status,
             attempts, created_at_ms, next_attempt_at_ms)
           VALUES ($1, false, $2, $3, $4, $5, 'pending', 0, $6, $6)
           ON CONFLICT (message_id) WHERE NOT replay DO NOTHING`,
          [d.messageId, d.endpointId, d.eventId, d.type, d.body, d.createdAtMs],
        );
      }
      return result;
    });
  }

  /**
   * Takes up to `max` deliveries that are due, to enabled endpoints, each the oldest pending one of its
   * endpoint and sale event (a later one waits until the earlier succeeded or was given up), and not
   * taken by another sender: taken ones are leased for `leaseMs` (a sender that died loses them then).
   */
  async claimDue(nowMs: number, leaseMs: number, max: number): Promise<Delivery[]> {
    const rows = await this.#db.query(
      `UPDATE webhook_deliveries SET leased_until_ms = $2 WHERE seq IN (
         SELECT d.seq FROM webhook_deliveries d
           JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled
         WHERE d.status = 'pending' AND d.next_attempt_at_ms <= $1
           AND (d.leased_until_ms IS NULL OR d.leased_until_ms <= $1)
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
             WHERE p.status = 'pending' AND p.endpoint_id = d.endpoint_id AND p.event_id = d.event_id
               AND p.seq < d.seq)
         ORDER BY d.seq LIMIT $3 FOR UPDATE OF d SKIP LOCKED)
       RETURNING ${DELIVERY_COLUMNS}`,
      [nowMs, nowMs + leaseMs, max],
    );
    return rows.map(deliveryOf).sort((a, b) => a.seq - b.seq);
  }

  /**
   * Records an attempt and what follows from it, in one transaction. A failure starts (or continues) the
   * endpoint's failing streak, a success ends it; an endpoint that answered 410, or whose streak is
   * `disableAfterMs` old, is disabled. Returns why it was disabled by this attempt, if it was.
   */
  async recordAttempt(
    result: AttemptResult,
    nowMs: number,
    disableAfterMs: number,
  ): Promise<{ disabled?: string }> {
    const { attempt } = result;
    return this.#db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO webhook_attempts (delivery_seq, attempt, started_at_ms, duration_ms, outcome,
           response_status, error) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          attempt.deliverySeq,
          attempt.attempt,
          attempt.startedAtMs,
          attempt.durationMs,
          attempt.outcome,
          attempt.responseStatus ?? null,
          attempt.error ?? null,
        ],
      );
      const rows = await tx.query<{ endpoint_id: string }>(
        `UPDATE webhook_deliveries SET status = $2, attempts = $3, next_attempt_at_ms = $4,
           leased_until_ms = NULL, last_attempt_at_ms = $5, last_response_status = $6,
           finished_at_ms = CASE WHEN $2 = 'pending' THEN NULL ELSE $7::bigint END
         WHERE seq = $1 RETURNING endpoint_id`,
        [
          attempt.deliverySeq,
          result.status,
          attempt.attempt,
          result.nextAttemptAtMs,
          attempt.startedAtMs,
          attempt.responseStatus ?? null,
          nowMs,
        ],
      );
      const endpointId = rows[0]?.endpoint_id;
      if (endpointId === undefined) return {}; // deleted meanwhile
      const failed = attempt.outcome === 'failed';
      const standing = await tx.query<{ failing_since_ms: string | number | null; enabled: boolean }>(
        `UPDATE webhook_endpoints SET
           failing_since_ms = CASE WHEN $2 THEN COALESCE(failing_since_ms, $3::bigint) ELSE NULL END
         WHERE id = $1 RETURNING failing_since_ms, enabled`,
        [endpointId, failed, nowMs],
      );
      const since = standing[0]?.failing_since_ms;
      const reason = result.gone
        ? 'gone'
        : failed && since != null && nowMs - Number(since) >= disableAfterMs
          ? 'failing'
          : undefined;
      if (reason === undefined || standing[0]?.enabled !== true) return {};
      await tx.query(
        `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, updated_at_ms = $3 WHERE id = $1`,
        [endpointId, reason, nowMs],
      );
      return { disabled: reason };
    });
  }

  /** The endpoint's deliveries, newest first, each with its attempts (oldest first). */
  async listDeliveries(
    endpointId: string,
    limit: number,
    cursor?: number,
  ): Promise<{ items: { delivery: Delivery; attempts: Attempt[] }[]; nextCursor?: number }> {
    const rows = await this.#db.query(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = $1 AND seq < $2
       ORDER BY seq DESC LIMIT $3`,
      [endpointId, cursor ?? Number.MAX_SAFE_INTEGER, limit + 1],
    );
    const deliveries = rows.slice(0, limit).map(deliveryOf);
    const attempts =
      deliveries.length === 0
        ? []
        : (
            await this.#db.query(
              `SELECT delivery_seq, attempt, started_at_ms, duration_ms, outcome, response_status, error
               FROM webhook_attempts WHERE delivery_seq = ANY($1::bigint[]) ORDER BY delivery_seq, attempt`,
              [deliveries.map((d) => d.seq)],
            )
          ).map(attemptOf);
    return {
      items: deliveries.map((delivery) => ({
        delivery,
        attempts: attempts.filter((a) => a.deliverySeq === delivery.seq),
      })),
      nextCursor: rows.length > limit ? deliveries[deliveries.length - 1]?.seq : undefined,
    };
  }

  /**
   * Sends deliveries of the endpoint again: new outbox rows with the same message ids (receivers
   * deduplicate on webhook-id), at the end of the order. Either one delivery (`seq`) or those created in
   * [fromMs, toMs), at most `max`. Returns the new rows' seqs; empty when nothing matched.
   */
  async replay(
    endpointId: string,
    which: { seq: number } | { fromMs: number; toMs: number },
    nowMs: number,
    max: number,
  ): Promise<number[]> {
    const [where, values] =
      'seq' in which
        ? ['seq = $2', [which.seq]]
        : ['created_at_ms >= $2 AND created_at_ms < $3 AND NOT replay', [which.fromMs, which.toMs]];
    const rows = await this.#db.query<{ seq: string | number }>(
      `INSERT INTO webhook_deliveries (message_id, replay, endpoint_id, event_id, type, body, status,
         attempts, created_at_ms, next_attempt_at_ms)
       SELECT message_id, true, endpoint_id, event_id, type, body, 'pending', 0, $${values.length + 2},
         $${values.length + 2}
       FROM webhook_deliveries WHERE endpoint_id = $1 AND ${where}
       ORDER BY seq LIMIT $${values.length + 3}
       RETURNING seq`,
      [endpointId, ...values, nowMs, max],
    );
    return rows.map((row) => Number(row.seq)).sort((a, b) => a - b);
  }

  async backlog(): Promise<Backlog> {
    const rows = await this.#db.query<{ depth: string | number; oldest: string | number | null }>(
      `SELECT count(*) AS depth, min(d.created_at_ms) AS oldest FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled
       WHERE d.status = 'pending'`,
    );
    const row = rows[0];
    return {
      depth: Number(row?.depth ?? 0),
      oldestCreatedAtMs: row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest),
    };
  }
}

function optionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

function endpointOf(row: Row): Endpoint {
  return {
    id: row.id as string,
    url: row.url as string,
    events: row.events as WebhookEventType[],
    description: row.description as string,
    enabled: row.enabled as boolean,
    ...(row.disabled_reason === null ? {} : { disabledReason: row.disabled_reason as string }),
    secretSealed: row.secret_sealed as string,
    ...(row.previous_secret_sealed === null
      ? {}
      : {
          previousSecretSealed: row.previous_secret_sealed as string,
          previousUntilMs: Number(row.previous_until_ms),
        }),
    ...(row.failing_since_ms === null ? {} : { failingSinceMs: Number(row.failing_since_ms) }),
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
  };
}

function deliveryOf(row: Row): Delivery {
  return {
    seq: Number(row.seq),
    messageId: row.message_id as string,
    replay: row.replay as boolean,
    endpointId: row.endpoint_id as string,
    eventId: row.event_id as string,
    type: row.type as string,
    body: row.body as string,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    createdAtMs: Number(row.created_at_ms),
    nextAttemptAtMs: Number(row.next_attempt_at_ms),
    lastAttemptAtMs: optionalNumber(row.last_attempt_at_ms),
    lastResponseStatus: optionalNumber(row.last_response_status),
    finishedAtMs: optionalNumber(row.finished_at_ms),
  };
}

function attemptOf(row: Row): Attempt {
  return {
    deliverySeq: Number(row.delivery_seq),
    attempt: Number(row.attempt),
    startedAtMs: Number(row.started_at_ms),
    durationMs: Number(row.duration_ms),
    outcome: row.outcome as Attempt['outcome'],
    ...(row.response_status === null ? {} : { responseStatus: Number(row.response_status) }),
    ...(row.error === null ? {} : { error: row.error as string }),
  };
}
