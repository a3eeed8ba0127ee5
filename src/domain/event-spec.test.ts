import { describe, expect, it } from 'vitest';
import { buildEventSpec, capacityOf } from './event-spec.js';
import { SEATS_PER_EVENT_MAX } from './limits.js';

const defaults = { holdTtlSeconds: 300, maxPerUser: 10 };
const draft = { name: 'E', venue: 'V', startsAt: '2027-01-01T20:00:00Z' };

describe('buildEventSpec', () => {
  it('fills defaults, generates an id and normalises the start time', () => {
    const spec = buildEventSpec(
      { ...draft, pools: [{ id: 'ga', name: 'GA', capacity: 5, price: 1 }] },
      defaults,
    );
    expect(spec).toMatchObject({ holdTtlSeconds: 300, maxPerUser: 10, startsAt: '2027-01-01T20:00:00.000Z' });
    expect('id' in spec && spec.id).toMatch(/^ev_/);
  });

  it('counts capacity over pools and seats', () => {
    const spec = {
      pools: [{ id: 'ga', name: 'GA', capacity: 5, price: 1 }],
      sections: [
        {
          id: 'A',
          name: 'A',
          price: 1,
          rows: [
            { id: '1', seats: 3 },
            { id: '2', seats: 4 },
          ],
        },
      ],
    };
    expect(capacityOf(spec)).toBe(12);
  });

  it.each([
    ['no pools and no sections', { ...draft }],
    [
      'duplicate pool ids',
      {
        ...draft,
        pools: [
          { id: 'a', name: 'a', capacity: 1, price: 1 },
          { id: 'a', name: 'b', capacity: 1, price: 1 },
        ],
      },
    ],
    [
      'duplicate row ids',
      {
        ...draft,
        sections: [
          {
            id: 'A',
            name: 'A',
            price: 1,
            rows: [
              { id: '1', seats: 1 },
              { id: '1', seats: 1 },
            ],
          },
        ],
      },
    ],
    [
      'too many seats',
      {
        ...draft,
        sections: [{ id: 'A', name: 'A', price: 1, rows: [{ id: '1', seats: SEATS_PER_EVENT_MAX + 1 }] }],
      },
    ],
    [
      'an impossible date',
      { ...draft, startsAt: '2027-13-45T99:00:00Z', pools: [{ id: 'a', name: 'a', capacity: 1, price: 1 }] },
    ],
  ])('refuses %s', (_name, input) => {
    expect(buildEventSpec(input, defaults)).toMatchObject({ ok: false, code: 'invalid_request' });
  });
});
