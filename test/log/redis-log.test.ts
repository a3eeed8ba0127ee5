// What the Redis adapter of the log does beyond the port's contract (test/contracts/log-port.test.ts): its
// dead letters (fields, raw JSON, none for an entry another member acknowledged, one for an entry Redis
// lost) and entries it cannot decode.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newHold } from '../../src/domain/hold.js';
import type { LogEntry } from '../../src/domain/log-entry.js';
import type { LogRecord } from '../../src/log/log.js';
import { DEAD_LETTER_FIELDS, ENTRY_FIELD, EVENTS_KEY, eventKeys } from '../../src/log/redis/encoding.js';
import { RedisLog } from '../../src/log/redis/redis-log.js';
import { uniqueEventId } from '../support/embedded.js';
import { type RedisServer, redisAvailable, startRedis } from '../support/redis-server.js';

function placedJson(eventId: string, n: number): string {
  const hold = newHold(eventId, `u${n}`, [{ poolId: 'ga', quantity: 1, price: 100 }], 1_800_000_000_000, 300);
  const entry: LogEntry = { type: 'hold_placed', eventId, atMs: hold.createdAtMs, hold };
  return JSON.stringify(entry);
}

describe.skipIf(!redisAvailable())('RedisLog', () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.port, '127.0.0.1');
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  async function logWith(jsons: readonly string[]) {
    await redis.flushall();
    const eventId = uniqueEventId();
    await redis.sadd(EVENTS_KEY, eventId);
    for (const json of jsons) await redis.xadd(eventKeys(eventId).log, '*', ENTRY_FIELD, json);
    const undecodable: string[] = [];
    const log = new RedisLog({
      redis,
      trimMarginMs: 0,
      onUndecodable: (where, error) => undecodable.push(`${where.id} ${error}`),
    });
    return { eventId, log, undecodable };
  }

  const deadLetters = async (eventId: string) =>
    (await redis.xrange(eventKeys(eventId).deadLetters, '-', '+')).map(([, fields]) => fields);

  it('dead-letters with the raw JSON of the stream, the error and the member', async () => {
    const json = placedJson('x', 1).replace('{', '{ ');
    const { eventId, log } = await logWith([json]);
    const member = log.consumer('g', 'careful');
    const [record] = await member.readNew(10);
    await member.deadLetter(record as LogRecord, 'cannot project');
    expect(await deadLetters(eventId)).toEqual([
      [
        DEAD_LETTER_FIELDS.id,
        (record as LogRecord).id,
        DEAD_LETTER_FIELDS.entry,
        json,
        DEAD_LETTER_FIELDS.error,
        'cannot project',
        DEAD_LETTER_FIELDS.consumer,
        'careful',
      ],
    ]);
  });

  it('writes no dead letter for an entry another member acknowledged meanwhile', async () => {
    const { eventId, log } = await logWith([placedJson('x', 1)]);
    const slow = log.consumer('g', 'slow');
    const [record] = await slow.readNew(10);
    await log.consumer('g', 'other').acknowledge([record as LogRecord]);
    await slow.deadLetter(record as LogRecord, 'too late');
    expect(await deadLetters(eventId)).toEqual([]);
  });

  it('dead-letters an entry Redis lost with its stream (a refused decision of a lost gate state)', async () => {
    const { eventId, log } = await logWith([placedJson('x', 1)]);
    const member = log.consumer('g', 'm');
    const [record] = await member.readNew(10);
    // Redis restarted empty and the gate's state was rebuilt: a new stream and group, without the entry.
    await redis.del(eventKeys(eventId).log);
    await redis.xgroup('CREATE', eventKeys(eventId).log, 'g', '$', 'MKSTREAM');
    await member.deadLetter(record as LogRecord, 'refused: older gate epoch');
    await redis.del(eventKeys(eventId).log);
    await member.deadLetter(record as LogRecord, 'refused again, no stream at all');
    expect((await deadLetters(eventId)).map((fields) => fields[5])).toEqual([
      'refused: older gate epoch',
      'refused again, no stream at all',
    ]);
  });

  it('moves entries it cannot decode to the dead letters at once, and reports them', async () => {
    const { eventId, log, undecodable } = await logWith(['{"not":"an entry"}', placedJson('x', 2)]);
    await redis.xadd(eventKeys(eventId).log, '*', 'other', 'field');
    const records = await log.consumer('g', 'm').readNew(10);
    expect(records).toHaveLength(1);
    expect(undecodable).toHaveLength(2);
    const letters = await deadLetters(eventId);
    expect(letters.map((fields) => fields[3])).toEqual(['{"not":"an entry"}', '']);
    expect((await log.positions(eventId))[0]).toEqual({ group: 'g', pending: 1, lag: 0 });
  });
});
