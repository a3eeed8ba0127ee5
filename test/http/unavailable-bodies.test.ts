// A 503 says what kind of thing failed, never what is inside: no addresses, no constraint names, no driver
// messages. The detail goes to the log. The faults are real: a real PGlite under a driver that fails on
// demand with the messages real drivers give, and a real private redis-server that is stopped.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorMessages } from '../../src/domain/errors.js';
import type { AppendableLog } from '../../src/log/log.js';
import type { SqlDriver, SqlExecutor } from '../../src/store/sql-driver.js';
import { capturedLogger } from '../support/captured-logger.js';
import { distributedAvailable, startDistributed, type TestDistributed } from '../support/distributed.js';
import { admin, eventBody, startEmbedded, type TestEmbedded, uniqueEventId } from '../support/embedded.js';

const ADDRESS = 'connect ECONNREFUSED 10.20.30.40:5432';
const LOG_PATH = '/var/lib/boxoffice/log/00000000000000000000.seg';
const CONSTRAINT = 'duplicate key value violates unique constraint "tickets_event_seat_key"';

/** Queries fail with a refused connection, commits with a constraint violation, while switched on. */
class DriverFault {
  failing = false;
  /** The log file's writes fail like a full disk, naming the file. */
  wrapLog = (real: AppendableLog): AppendableLog => ({
    append: (entries) =>
      this.failing
        ? Promise.reject(
            Object.assign(new Error(`ENOSPC: no space left on device, write '${LOG_PATH}'`), {
              code: 'ENOSPC',
            }),
          )
        : real.append(entries),
    consumer: (group, member) => real.consumer(group, member),
    positions: (eventId) => real.positions(eventId),
    unacknowledged: (group, eventId) => real.unacknowledged(group, eventId),
    trim: () => real.trim(),
    close: () => real.close(),
  });
  wrap = (real: SqlDriver): SqlDriver => ({
    query: (text, values) =>
      this.failing
        ? Promise.reject(Object.assign(new Error(ADDRESS), { code: 'ECONNREFUSED' }))
        : real.query(text, values),
    exec: (script) => real.exec(script),
    close: () => real.close(),
    transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) =>
      real.transaction(async (tx) => {
        const result = await work(tx);
        if (this.failing) throw Object.assign(new Error(CONSTRAINT), { code: '23505' });
        return result;
      }),
  });
}

function expectFixedBody(body: string, code: string): void {
  expect(JSON.parse(body)).toEqual({ error: { code, message: errorMessages[code as 'not_ready'] } });
  expect(body).not.toMatch(
    /10\.20\.30\.40|127\.0\.0\.1|ECONNREFUSED|tickets_event_seat_key|constraint|ENOSPC|\.seg/,
  );
}

describe('503 bodies of the embedded shape', () => {
  const fault = new DriverFault();
  const log = capturedLogger();
  let bo: TestEmbedded;
  let eventId: string;

  beforeAll(async () => {
    bo = await startEmbedded({ wrapDriver: fault.wrap, wrapLog: fault.wrapLog, logger: log.logger });
    eventId = uniqueEventId('unavailable');
    const created = await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { pools: [{ id: 'ga', capacity: 10, price: 5 }] }),
    });
    expect(created.statusCode).toBe(201);
  });
  afterEach(() => {
    fault.failing = false;
  });
  afterAll(async () => bo.dispose());

  it('/readyz says not_ready without the address, and logs the address', async () => {
    fault.failing = true;
    const response = await bo.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expectFixedBody(response.body, 'not_ready');
    expect(log.text()).toContain('10.20.30.40');
  });

  it('a failed write of the log says store_unavailable without the detail, and logs it', async () => {
    fault.failing = true;
    const response = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      payload: { userId: 'u-1', quantity: 1, poolId: 'ga' },
    });
    expect(response.statusCode).toBe(503);
    expectFixedBody(response.body, 'store_unavailable');
    expect(log.text()).toContain('ENOSPC');
  });

  it('a failed read says store_unavailable without the address', async () => {
    fault.failing = true;
    const response = await bo.app.inject({ method: 'GET', url: `/v1/events/${eventId}/stats` });
    expect(response.statusCode).toBe(503);
    expectFixedBody(response.body, 'store_unavailable');
  });
});

const available = await distributedAvailable();

describe.runIf(available)('503 bodies of the distributed shape with its Redis stopped', () => {
  let bo: TestDistributed;
  let eventId: string;
  let queuedId: string;
  let redisPort: string;

  beforeAll(async () => {
    bo = await startDistributed({ projector: false, soldOutCache: false });
    redisPort = String(bo.redisServer?.port);
    eventId = uniqueEventId('redis-down');
    const created = await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: eventBody(eventId, { pools: [{ id: 'ga', capacity: 10, price: 5 }] }),
    });
    expect(created.statusCode).toBe(201);
    queuedId = uniqueEventId('redis-down-queued');
    const now = Date.now();
    const queued = await bo.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: admin,
      payload: {
        ...eventBody(queuedId, { pools: [{ id: 'ga', capacity: 10, price: 5 }] }),
        queue: {
          opensAt: new Date(now - 60_000).toISOString(),
          salesStartAt: new Date(now - 1_000).toISOString(),
          admitPerMinute: 60,
          passMinutes: 10,
          maxActive: 10,
        },
      },
    });
    expect(queued.statusCode).toBe(201);
    await bo.redisServer?.stop();
  });
  afterAll(async () => bo?.dispose());

  it('/readyz and a hold answer 503 without Redis’s address', async () => {
    const ready = await bo.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expectFixedBody(ready.body, 'not_ready');
    expect(ready.body).not.toContain(redisPort);
    const hold = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${eventId}/holds`,
      payload: { userId: 'u-1', quantity: 1, poolId: 'ga' },
    });
    expect(hold.statusCode).toBe(503);
    expectFixedBody(hold.body, 'gate_unavailable');
    expect(hold.body).not.toContain(redisPort);
  });

  it('the audit, which reads the gate through its streams, says gate_unavailable too', async () => {
    const audit = await bo.app.inject({
      method: 'GET',
      url: `/v1/events/${eventId}/audit`,
      headers: admin,
    });
    expect(audit.statusCode).toBe(503);
    expectFixedBody(audit.body, 'gate_unavailable');
  });

  it('the waiting room, kept in Redis, says gate_unavailable too', async () => {
    const joined = await bo.app.inject({
      method: 'POST',
      url: `/v1/events/${queuedId}/queue`,
      payload: { userId: 'u-1' },
    });
    expect(joined.statusCode).toBe(503);
    expectFixedBody(joined.body, 'gate_unavailable');
    expect(joined.body).not.toContain(redisPort);
    for (const request of [
      { method: 'GET' as const, url: `/v1/events/${queuedId}/queue/me?userId=u-1` },
      { method: 'POST' as const, url: `/v1/events/${queuedId}/queue/pause`, headers: admin },
    ]) {
      const answer = await bo.app.inject(request);
      expect(answer.statusCode, request.url).toBe(503);
      expectFixedBody(answer.body, 'gate_unavailable');
    }
  });
});
