import { describe, expect, it } from 'vitest';
import { fingerprintOf, targetOf } from './hold-request.js';
import type { EventSpec } from './types.js';

const base = {
  id: 'e',
  name: 'E',
  venue: 'V',
  startsAt: '2027-01-01T00:00:00.000Z',
  holdTtlSeconds: 60,
  maxPerUser: 4,
};
const gaOnly: EventSpec = {
  ...base,
  pools: [{ id: 'ga', name: 'GA', capacity: 10, price: 1 }],
  sections: [],
};
const mixed: EventSpec = {
  ...gaOnly,
  sections: [{ id: 'A', name: 'A', price: 2, rows: [{ id: '1', seats: 3 }] }],
};

describe('targetOf', () => {
  it('reads the three shapes', () => {
    expect(targetOf({ userId: 'u', quantity: 2, poolId: 'ga' }, mixed)).toEqual({
      kind: 'pool',
      poolId: 'ga',
      quantity: 2,
    });
    expect(targetOf({ userId: 'u', seats: ['A-1-1'] }, mixed)).toEqual({ kind: 'seats', seatIds: ['A-1-1'] });
    expect(targetOf({ userId: 'u', quantity: 2, sectionId: 'A' }, mixed)).toEqual({
      kind: 'section',
      sectionId: 'A',
      quantity: 2,
    });
  });

  it('lets a quantity alone name the only pool of a general-admission event', () => {
    expect(targetOf({ userId: 'u', quantity: 1 }, gaOnly)).toEqual({
      kind: 'pool',
      poolId: 'ga',
      quantity: 1,
    });
    expect(targetOf({ userId: 'u', quantity: 1 }, mixed)).toMatchObject({
      ok: false,
      code: 'invalid_request',
    });
  });

  it.each([
    ['seats and quantity', { userId: 'u', seats: ['A-1-1'], quantity: 1 }],
    ['seats and poolId', { userId: 'u', seats: ['A-1-1'], poolId: 'ga' }],
    ['poolId and sectionId', { userId: 'u', quantity: 1, poolId: 'ga', sectionId: 'A' }],
    ['nothing asked', { userId: 'u' }],
    ['empty seats', { userId: 'u', seats: [] }],
  ])('refuses %s', (_name, request) => {
    expect(targetOf(request, mixed)).toMatchObject({ ok: false, code: 'invalid_request' });
  });
});

describe('fingerprintOf', () => {
  it('tells a retry from a different request and a hold from an order', () => {
    const request = { userId: 'u', quantity: 2, poolId: 'ga' };
    expect(fingerprintOf(request, 'hold')).toBe(
      fingerprintOf({ poolId: 'ga', quantity: 2, userId: 'u' }, 'hold'),
    );
    expect(fingerprintOf(request, 'hold')).not.toBe(fingerprintOf({ ...request, quantity: 3 }, 'hold'));
    expect(fingerprintOf(request, 'hold')).not.toBe(fingerprintOf(request, 'order'));
  });
});
