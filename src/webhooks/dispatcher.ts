// Webhook delivery over the log port, in two loops.
// Ingest: the `webhooks` consumer group reads entries, writes the messages they produce for each subscribed
// endpoint into the outbox (one transaction per batch), and acknowledges the log only after that: an entry
// is never lost between the log and the outbox, and reading it again adds nothing (message ids are derived
// from the entry and the endpoint, and the outbox keeps each once).
// Send: posts due deliveries, signed, oldest first per endpoint and sale event; records each attempt and
// schedules the next on the retry schedule. At least once: a sender that dies after posting and before
// recording posts again after its lease ends, with the same webhook-id.
import { createHash } from 'node:crypto';
import type { Log, LogConsumer, LogRecord } from '../log/log.js';
import { messagesOf } from './event-types.js';
import { RETRY_SCHEDULE_MS, retryDelayMs } from './retry-schedule.js';
import type { SecretBox } from './secret-box.js';
import { Sender, type SendResult } from './sender.js';
import { webhookHeaders } from './signing.js';
import type { DeliveryOutcome, WebhookMetrics } from './webhook-metrics.js';
import type { AttemptResult, Delivery, Endpoint, NewDelivery, WebhookStore } from './webhook-store.js';

/** The consumer group of webhook delivery on the log. */
export const WEBHOOKS_GROUP = 'webhooks';
/** An endpoint failing without a single success for this long is disabled (Standard Webhooks: days). */
export const DISABLE_AFTER_MS_DEFAULT = 5 * 24 * 3_600_000;

export interface DispatcherLogger {
  warn(details: object, message: string): void;
}

export interface WebhookDispatcherOptions {
  readonly log: Log;
  readonly store: WebhookStore;
  readonly secrets: SecretBox;
  /** This process's name in the consumer group (the projector's consumer name will do). */
  readonly member: string;
  /** BOXOFFICE_WEBHOOKS_ALLOW_PRIVATE: may endpoints be on private addresses. */
  readonly allowPrivate: boolean;
  readonly clock?: () => number;
  readonly schedule?: readonly number[];
  /** Per attempt, connection to last body byte. */
  readonly timeoutMs?: number;
  readonly disableAfterMs?: number;
  /** Log entries another member left unacknowledged this long are taken over (it is presumed dead). */
  readonly claimIdleMs?: number;
  /** Sleep of a loop that found nothing to do. */
  readonly idleMs?: number;
  readonly batchSize?: number;
  /** How long a claimed delivery is this sender's; by default twice the timeout and 5 s. */
  readonly leaseMs?: number;
  readonly metrics?: WebhookMetrics;
  readonly logger?: DispatcherLogger;
  /** In [0, 1): the retry delays' jitter (tests fix it). */
  readonly random?: () => number;
}

export class WebhookDispatcher {
  readonly #options: WebhookDispatcherOptions;
  readonly #consumer: LogConsumer;
  readonly #sender: Sender;
  readonly #clock: () => number;
  #running: Promise<unknown> | undefined;
  #stopping = false;
  #stopped = false;
  readonly #sleepers = new Set<() => void>();

  constructor(options: WebhookDispatcherOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    this.#consumer = options.log.consumer(WEBHOOKS_GROUP, options.member);
    this.#sender = new Sender({
      timeoutMs: options.timeoutMs ?? 10_000,
      allowPrivate: options.allowPrivate,
      clock: this.#clock,
    });
    options.metrics?.watchBacklog(() => options.store.backlog(), this.#clock);
  }

  start(): void {
    if (this.#running !== undefined) return;
    this.#stopping = false;
    this.#running = Promise.all([this.#loop(() => this.ingestOnce()), this.#loop(() => this.sendOnce())]);
  }

  /** Ends both loops after their current step; what was not acknowledged or recorded is redone later. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stopping = true;
    for (const wake of [...this.#sleepers]) wake();
    await this.#running;
    this.#running = undefined;
    await this.#sender.close();
  }

  /** One batch from the log into the outbox; the number of log records it took. */
  async ingestOnce(): Promise<number> {
    const max = this.#options.batchSize ?? 100;
    // Entries a dead member left are taken first: they are older than anything new of their event.
    // Read before the ingest transaction: PGlite runs one statement or transaction at a time.
    const endpoints = await this.#options.store.enabledEndpoints();
    const records = await this.#options.store.ingest(async () => {
      const stale = await this.#consumer.claimStale(this.#options.claimIdleMs ?? 30_000, max);
      const taken = [...stale, ...(await this.#consumer.readNew(max))];
      return { deliveries: this.#deliveriesOf(taken, endpoints), result: taken };
    });
    if (records.length > 0) await this.#consumer.acknowledge(records);
    return records.length;
  }

  /** One round of due deliveries, sent concurrently (each is the head of its own endpoint and event). */
  async sendOnce(): Promise<number> {
    const max = this.#options.batchSize ?? 100;
    const timeoutMs = this.#options.timeoutMs ?? 10_000;
    const lease = this.#options.leaseMs ?? 2 * timeoutMs + 5_000;
    const due = await this.#options.store.claimDue(this.#clock(), lease, max);
    const endpoints = new Map<string, Promise<Endpoint | undefined>>();
    const endpointOf = (id: string) => {
      if (!endpoints.has(id)) endpoints.set(id, this.#options.store.getEndpoint(id));
      return endpoints.get(id) as Promise<Endpoint | undefined>;
    };
    await Promise.all(
      due.map(async (delivery) => this.#attempt(delivery, await endpointOf(delivery.endpointId))),
    );
    return due.length;
  }

  #deliveriesOf(records: readonly LogRecord[], endpoints: readonly Endpoint[]): NewDelivery[] {
    const now = this.#clock();
    const out: NewDelivery[] = [];
    // No endpoint, no message: a sale without webhooks spends nothing here per entry.
    if (endpoints.length === 0) return out;
    for (const record of records) {
      for (const message of messagesOf(record.entry)) {
        let body: string | undefined;
        for (const endpoint of endpoints) {
          if (!endpoint.events.includes(message.type)) continue;
          body ??= JSON.stringify(message.payload);
          out.push({
            messageId: messageIdOf(message.entryKey, endpoint.id),
            endpointId: endpoint.id,
            eventId: message.eventId,
            type: message.type,
            body,
            createdAtMs: now,
          });
        }
      }
    }
    return out;
  }

  async #attempt(delivery: Delivery, endpoint: Endpoint | undefined): Promise<void> {
    if (endpoint === undefined) return; // deleted since it was claimed
    const startedAtMs = this.#clock();
    const secrets = [this.#options.secrets.open(endpoint.secretSealed)];
    if (endpoint.previousSecretSealed !== undefined && (endpoint.previousUntilMs ?? 0) > startedAtMs)
      secrets.push(this.#options.secrets.open(endpoint.previousSecretSealed));
    const headers = webhookHeaders(
      secrets,
      delivery.messageId,
      Math.floor(startedAtMs / 1000),
      delivery.body,
    );
    const sent = await this.#sender.send(endpoint.url, headers, delivery.body);
    const [result, outcome] = this.#resultOf(delivery, sent, startedAtMs);
    const { disabled } = await this.#options.store.recordAttempt(
      result,
      this.#clock(),
      this.#options.disableAfterMs ?? DISABLE_AFTER_MS_DEFAULT,
    );
    this.#options.metrics?.delivered(outcome);
    if (outcome === 'given_up')
      this.#options.logger?.warn(
        { endpointId: endpoint.id, messageId: delivery.messageId, attempts: result.attempt.attempt },
        'webhook delivery given up after its last retry',
      );
    if (disabled !== undefined) {
      this.#options.metrics?.endpointDisabled(disabled);
      this.#options.logger?.warn(
        { endpointId: endpoint.id, url: endpoint.url, reason: disabled },
        disabled === 'gone'
          ? 'webhook endpoint answered 410 Gone: disabled'
          : 'webhook endpoint failing for too long: disabled',
      );
    }
  }

  #resultOf(delivery: Delivery, sent: SendResult, startedAtMs: number): [AttemptResult, DeliveryOutcome] {
    const attempts = delivery.attempts + 1;
    const succeeded = sent.status !== undefined && sent.status >= 200 && sent.status < 300;
    const attempt = {
      deliverySeq: delivery.seq,
      attempt: attempts,
      startedAtMs,
      durationMs: sent.durationMs,
      outcome: succeeded ? ('succeeded' as const) : ('failed' as const),
      responseStatus: sent.status,
      error: sent.error,
    };
    if (succeeded) return [{ attempt, status: 'delivered', nextAttemptAtMs: startedAtMs }, 'succeeded'];
    // 410: the receiver says the endpoint is gone. It is disabled; the delivery waits in case it is enabled again.
    if (sent.status === 410)
      return [{ attempt, status: 'pending', nextAttemptAtMs: startedAtMs, gone: true }, 'gone'];
    const delay = retryDelayMs(
      this.#options.schedule ?? RETRY_SCHEDULE_MS,
      attempts,
      sent.retryAfterMs,
      this.#options.random,
    );
    if (delay === undefined) return [{ attempt, status: 'failed', nextAttemptAtMs: startedAtMs }, 'given_up'];
    return [{ attempt, status: 'pending', nextAttemptAtMs: startedAtMs + delay }, 'failed'];
  }

  async #loop(step: () => Promise<number>): Promise<void> {
    const idleMs = this.#options.idleMs ?? 250;
    let failures = 0;
    while (!this.#stopping) {
      let did = 0;
      try {
        did = await step();
        failures = 0;
      } catch (error) {
        // A store or log that is down: warn, then wait longer each time (up to 30 s), not every 250 ms.
        failures++;
        this.#options.logger?.warn({ err: error, failures }, 'webhook dispatcher step failed; retrying');
      }
      if (this.#stopping) break;
      if (failures > 0) await this.#sleep(Math.min(30_000, idleMs * 2 ** Math.min(failures, 10)));
      else if (did === 0) await this.#sleep(idleMs);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#sleepers.add(done);
    });
  }
}

/** The webhook-id of an entry's message to an endpoint: the same every time the entry is read. */
export function messageIdOf(entryKey: string, endpointId: string): string {
  return `msg_${createHash('sha256').update(`${entryKey}\n${endpointId}`).digest('base64url').slice(0, 32)}`;
}
