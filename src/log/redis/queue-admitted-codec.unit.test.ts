// The stream form of the waiting room's admissions: what admit-7.lua writes decodes to the entry, and a
// stray field (a pass, were one ever written) never reaches a consumer.
import { describe, expect, it } from 'vitest';
import type { QueueAdmitted } from '../../domain/log-entry.js';
import { decodeEntry } from './entry-codec.js';

const ADMITTED: QueueAdmitted = {
  type: 'queue_admitted',
  eventId: 'arena-night',
  atMs: 1_900_000_060_000,
  userId: 'buyer/1 "é"',
  joinedAtMs: 1_900_000_000_000,
  passExpiresAtMs: 1_900_000_660_000,
};

describe('the stream codec of queue_admitted', () => {
  it('round-trips the entry as JSON', () => {
    expect(decodeEntry(JSON.stringify(ADMITTED))).toEqual(ADMITTED);
  });

  it('reads Lua cjson’s escapes and keeps only the entry’s own fields', () => {
    const lua =
      '{"type":"queue_admitted","eventId":"arena-night","atMs":1900000060000,"userId":"buyer\\/1 \\"é\\"",' +
      '"joinedAtMs":1900000000000,"passExpiresAtMs":1900000660000,"pass":"1900000660000.mac"}';
    expect(decodeEntry(lua)).toEqual(ADMITTED);
  });

  it('refuses an admission without its buyer', () => {
    expect(() => decodeEntry('{"type":"queue_admitted","eventId":"e","atMs":1}')).toThrow();
  });
});
