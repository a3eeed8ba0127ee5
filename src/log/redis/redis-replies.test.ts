import { describe, expect, it } from 'vitest';
import { entriesOfReadReply, groupInfoOf, oldestPendingIdOf, pendingDeliveriesOf } from './redis-replies.js';
import { compareStreamIds, nextStreamId, oldestStreamIdMs } from './stream-id.js';

describe('stream replies in every shape ioredis gives them', () => {
  const entries = [
    ['1-0', ['e', '{}']],
    ['1-1', null],
  ];
  const parsed = [
    { id: '1-0', fields: ['e', '{}'] },
    { id: '1-1', fields: null },
  ];

  it('reads XREADGROUP as [[key, entries]], [key, entries], {key: entries} or null', () => {
    expect(entriesOfReadReply([['{ev:a}:log', entries]])).toEqual(parsed);
    expect(entriesOfReadReply(['{ev:a}:log', entries])).toEqual(parsed);
    expect(entriesOfReadReply({ '{ev:a}:log': entries })).toEqual(parsed);
    expect(entriesOfReadReply(null)).toEqual([]);
  });

  it('reads XINFO GROUPS as flat arrays or objects, with or without a lag', () => {
    const flat = ['name', 'projectors', 'pending', 2, 'last-delivered-id', '5-0', 'lag', 3];
    expect(groupInfoOf([['name', 'other'], flat], 'projectors')).toEqual({
      name: 'projectors',
      pending: 2,
      lastDeliveredId: '5-0',
      lag: 3,
    });
    expect(
      groupInfoOf([{ name: 'projectors', pending: 0, 'last-delivered-id': '0-0', lag: null }], 'projectors'),
    ).toEqual({ name: 'projectors', pending: 0, lastDeliveredId: '0-0', lag: null });
    expect(groupInfoOf([], 'projectors')).toBeUndefined();
  });

  it('reads the oldest pending id of an XPENDING summary', () => {
    expect(oldestPendingIdOf([2, '3-0', '4-0', [['c', '2']]])).toBe('3-0');
    expect(oldestPendingIdOf([0, null, null, null])).toBeUndefined();
  });

  it('reads the deliveries of an XPENDING range', () => {
    const reply = [
      ['3-0', 'a', 10, 2],
      ['4-0', 'a', 10, 5],
    ];
    expect([...pendingDeliveriesOf(reply)]).toEqual([
      ['3-0', 2],
      ['4-0', 5],
    ]);
    expect(pendingDeliveriesOf([]).size).toBe(0);
  });
});

describe('stream ids', () => {
  it('compare as numbers, not as text', () => {
    expect(compareStreamIds('9-0', '10-0')).toBe(-1);
    expect(compareStreamIds('10-2', '10-10')).toBe(-1);
    expect(compareStreamIds('10-10', '10-10')).toBe(0);
    expect(compareStreamIds('18446744073709551615-1', '18446744073709551615-0')).toBe(1);
  });

  it('give the next id and the oldest time', () => {
    expect(nextStreamId('1700000000000-41')).toBe('1700000000000-42');
    expect(oldestStreamIdMs(['1700000000500-0', '1700000000100-7'])).toBe(1700000000100);
  });
});
