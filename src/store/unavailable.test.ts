import { describe, expect, it } from 'vitest';
import { isStoreUnavailable, withStoreOutages } from './unavailable.js';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isStoreUnavailable', () => {
  it('is true for a store that is not there: refused, cut, shutting down, out of resources, read-only', () => {
    expect(isStoreUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isStoreUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStoreUnavailable(withCode('terminating connection due to administrator command', '57P01'))).toBe(
      true,
    );
    expect(isStoreUnavailable(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isStoreUnavailable(withCode('too many connections', '53300'))).toBe(true);
    expect(isStoreUnavailable(withCode('cannot execute INSERT in a read-only transaction', '25006'))).toBe(
      true,
    );
    expect(isStoreUnavailable(new AggregateError([withCode('x', 'ECONNREFUSED')], 'all failed'))).toBe(true);
  });

  it('is false for bugs and data errors, which stay 500s', () => {
    expect(isStoreUnavailable(withCode('syntax error at or near', '42601'))).toBe(false);
    expect(isStoreUnavailable(withCode('duplicate key value', '23505'))).toBe(false);
    expect(isStoreUnavailable(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(isStoreUnavailable('not an error')).toBe(false);
  });
});

describe('withStoreOutages', () => {
  it('throws a store outage as store_unavailable, the way the Redis gate throws gate_unavailable', async () => {
    const refused = withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
    const store = withStoreOutages({ ping: () => Promise.reject(refused) });
    await expect(store.ping()).rejects.toMatchObject({ name: 'DomainError', code: 'store_unavailable' });
    const constraint = withCode('duplicate key value', '23505');
    await expect(withStoreOutages({ ping: () => Promise.reject(constraint) }).ping()).rejects.toBe(
      constraint,
    );
  });
});
