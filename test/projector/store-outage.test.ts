// A store outage is not poison. PostgreSQL unreachable: the projector reaches it through a TCP proxy that
// the test cuts; batches fail, nothing is dead-lettered (even with maxDeliveries 1), the log says so once,
// and the projector catches up once the proxy is back. The same when PostgreSQL answers but refuses every
// write (disk full). Over each log adapter.
import { connect, createServer, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { uniqueEventId } from '../support/embedded.js';
import { freePort } from '../support/redis-server.js';
import {
  type Database,
  eventSpec,
  expectedCounts,
  saleOf,
  servicesAvailable,
  storeCounts,
  testMetrics,
  until,
  wait,
} from './fixtures.js';
import { LOG_ADAPTERS, type LogUnderTest, useServicesWithLog } from './log-adapters.js';

const available = await servicesAvailable();

/** Forwards a local port to PostgreSQL; cut() closes the port and every connection through it. */
class TcpProxy {
  readonly #sockets = new Set<Socket>();
  readonly #target: { host: string; port: number };
  #server: Server | undefined;
  readonly port: number;

  constructor(port: number, target: { host: string; port: number }) {
    this.port = port;
    this.#target = target;
  }

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.#target.port, this.#target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.#server = server;
  }

  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  }
}

describe.skipIf(!available).each(LOG_ADAPTERS)(
  'projector: PostgreSQL unreachable, over the $name log',
  (adapter) => {
    let db: Database;
    let log: LogUnderTest;
    let proxy: TcpProxy;
    let proxiedStore: SqlStore;

    useServicesWithLog(adapter, (suite) => {
      ({ db, log } = suite);
    });
    beforeAll(async () => {
      const direct = new URL(db.url);
      proxy = new TcpProxy(await freePort(), { host: direct.hostname, port: Number(direct.port || 5432) });
      await proxy.open();
      const proxied = new URL(db.url);
      proxied.host = `127.0.0.1:${proxy.port}`;
      proxiedStore = new SqlStore(new PostgresDriver(proxied.toString()));
    });
    afterAll(async () => {
      await proxiedStore?.close();
      await proxy?.cut();
    });

    it('dead-letters nothing while the store is down and catches up once it is back', async () => {
      const eventId = uniqueEventId();
      const before = saleOf(eventId, 60);
      const during = saleOf(eventId, 40, 100);
      await db.store.createEvent(eventSpec(eventId), 0);
      await log.append(eventId, before.entries);
      await proxy.cut();

      const lines: { level: number; msg: string }[] = [];
      const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
      const meter = testMetrics();
      const projector = log.projector({
        store: proxiedStore,
        consumer: 'patient',
        metrics: meter.metrics,
        logger,
        batchMax: 50,
        // The harshest settings: one failed delivery would be enough to dead-letter an entry.
        maxDeliveries: 1,
        claimIdleMs: 200,
        idleWaitMs: 20,
      });
      const running = projector.start();
      await wait(1_200);
      // More entries arrive during the outage.
      await log.append(eventId, during.entries);
      await wait(300);
      expect(await meter.value('boxoffice_projector_failed_batches_total')).toBeGreaterThan(0);
      expect(await meter.value('boxoffice_projector_dead_letters_total')).toBe(0);
      expect(await log.deadLetterErrors(eventId)).toEqual([]);
      expect((await storeCounts(db.driver, eventId)).holds).toBe(0);
      expect(await log.unprojected(eventId)).toBe(before.entries.length + during.entries.length);

      await proxy.open();
      await until(async () => (await log.unprojected(eventId)) === 0, 15_000, 'the projector to catch up');
      await projector.stop();
      await running;

      expect(await log.deadLetterErrors(eventId)).toEqual([]);
      const [a, b] = [expectedCounts(before), expectedCounts(during)];
      expect(await storeCounts(db.driver, eventId)).toEqual({
        holds: a.holds + b.holds,
        confirmed: a.confirmed + b.confirmed,
        orders: a.orders + b.orders,
        tickets: a.tickets + b.tickets,
      });
      // One line when the store went away and one when it came back, however many retries between.
      const outage = lines.filter((line) => line.msg.startsWith('The store'));
      expect(outage.map((line) => line.level)).toEqual([40, 30]);
    });

    it('dead-letters nothing while the store answers but refuses every write (disk full)', async () => {
      const eventId = uniqueEventId();
      const sale = saleOf(eventId, 40);
      await db.store.createEvent(eventSpec(eventId), 0);
      await log.append(eventId, sale.entries);
      let diskFull = true;
      const meter = testMetrics();
      const projector = log.projector({
        consumer: 'disk-full',
        metrics: meter.metrics,
        store: {
          async appendEntries(entries) {
            if (diskFull)
              throw Object.assign(new Error('could not extend file: No space left on device'), {
                code: '53100',
              });
            return db.store.appendEntries(entries);
          },
          ping: () => db.store.ping(),
        },
        batchMax: 25,
        maxDeliveries: 1,
        claimIdleMs: 200,
        idleWaitMs: 20,
      });
      const running = projector.start();
      await wait(800);
      expect(await meter.value('boxoffice_projector_failed_batches_total')).toBeGreaterThan(0);
      expect(await log.deadLetterErrors(eventId)).toEqual([]);
      diskFull = false;
      await until(async () => (await log.unprojected(eventId)) === 0, 15_000, 'the projector to catch up');
      await projector.stop();
      await running;
      expect(await log.deadLetterErrors(eventId)).toEqual([]);
      expect(await storeCounts(db.driver, eventId)).toEqual(expectedCounts(sale));
    });
  },
);
