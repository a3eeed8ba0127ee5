// Several dispatchers (the members of one consumer group, as distributed workers are) share one log and one
// outbox, on PGlite and on PostgreSQL: every message is sent once (a claimed delivery is leased to one
// sender) and, per endpoint and sale event, in log order, though the senders run at once.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LogEntry, subjectIdOf } from '../../src/domain/log-entry.js';
import { MemoryLog } from '../../src/log/memory/memory-log.js';
import { messageIdOf, WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { registerEndpoint } from '../../src/webhooks/endpoints.js';
import { WebhookStore } from '../../src/webhooks/webhook-store.js';
import { storeAdapters } from '../support/stores.js';
import { confirmed, holdOf, released, TEST_BOX } from './fixtures.js';
import { Receiver } from './receiver.js';

const adapters = await storeAdapters();

describe.each(adapters)('concurrent senders on $name', (adapter) => {
  let opened: Awaited<ReturnType<typeof adapter.open>>;
  let receiver: Receiver;
  beforeAll(async () => {
    opened = await adapter.open();
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
    await opened.dispose();
  });

  it('migration 010 runs again and changes nothing (processes starting together may both run it)', async () => {
    const sql = readFileSync('src/store/sql/migrations/010-webhooks.sql', 'utf8');
    await opened.driver.exec(`BEGIN; ${sql}; COMMIT;`);
    const rows = await opened.driver.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM pg_indexes WHERE tablename LIKE 'webhook_%'",
    );
    expect(Number(rows[0]?.n)).toBe(8);
  });

  it('send each message once, in order per endpoint and event', async () => {
    const store = new WebhookStore(opened.driver);
    const endpoints = [];
    for (let i = 0; i < 2; i++) {
      const made = await registerEndpoint(
        store,
        TEST_BOX,
        { url: receiver.url, events: ['order.confirmed', 'hold.released'] },
        Date.now(),
      );
      receiver.secrets.push(made.secret);
      endpoints.push(made.endpoint.id);
    }
    // A receiver that is slow now and then, so that senders overlap.
    receiver.answer = (n) => (n % 7 === 3 ? { status: 503 } : undefined);
    const log = new MemoryLog();
    const entries: LogEntry[] = [];
    for (let n = 0; n < 30; n++) {
      const hold = holdOf(`e${n % 3}`, n);
      entries.push(n % 5 === 0 ? released(hold) : confirmed(hold));
    }
    await log.append(entries);
    const senders = [1, 2, 3].map(
      (i) =>
        new WebhookDispatcher({
          log,
          store,
          secrets: TEST_BOX,
          member: `worker-${i}`,
          allowPrivate: true,
          schedule: [1, 1, 1, 1, 1, 1, 1, 1],
          random: () => 0.5,
          batchSize: 4,
          idleMs: 2,
        }),
    );
    for (const sender of senders) sender.start();
    const expected = endpoints.flatMap((endpoint) =>
      entries.map((entry) => ({
        endpoint,
        eventId: entry.eventId,
        id: messageIdOf(
          `${entry.type === 'hold_released' ? 'hold.released' : 'order.confirmed'}:${subjectIdOf(entry)}`,
          endpoint,
        ),
      })),
    );
    for (let i = 0; i < 1000 && receiver.accepted.length < expected.length; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all(senders.map((sender) => sender.stop()));
    expect(receiver.unverified).toEqual([]);
    const accepted = receiver.accepted.map((r) => r.id);
    expect(accepted).toHaveLength(expected.length);
    expect(new Set(accepted).size).toBe(expected.length);
    for (const endpoint of endpoints)
      for (const eventId of ['e0', 'e1', 'e2']) {
        const want = expected
          .filter((e) => e.endpoint === endpoint && e.eventId === eventId)
          .map((e) => e.id);
        expect(accepted.filter((id) => want.includes(id))).toEqual(want);
      }
  });
});
