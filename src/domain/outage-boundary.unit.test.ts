import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { type OutageRule, withOutageBoundary } from './outage-boundary.js';

const OUTAGE = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:1'), { code: 'ECONNREFUSED' });
const RULE: OutageRule = {
  isOutage: (error) => (error as { code?: unknown }).code === 'ECONNREFUSED',
  code: 'store_unavailable',
  message: () => 'The part did not answer.',
};

/** An adapter as adapters are written: #private state that its methods need as `this`. */
class Adapter {
  readonly name = 'adapter';
  #failure: unknown;
  fail(error: unknown): void {
    this.#failure = error;
  }
  async read(value: number): Promise<number> {
    if (this.#failure !== undefined) throw this.#failure;
    return value * 2;
  }
  readNow(): number {
    if (this.#failure !== undefined) throw this.#failure;
    return 1;
  }
}

describe('withOutageBoundary', () => {
  it('answers as the port does while it is there, with its own `this` and fields', async () => {
    const port = withOutageBoundary(new Adapter(), RULE);
    await expect(port.read(21)).resolves.toBe(42);
    expect(port.readNow()).toBe(1);
    expect(port.name).toBe('adapter');
    expect(port).toBeInstanceOf(Adapter);
    expect(port.read).toBe(port.read);
  });

  it('throws an outage, async or not, as the rule’s DomainError, keeping the failure as its cause', async () => {
    const adapter = new Adapter();
    const port = withOutageBoundary(adapter, RULE);
    adapter.fail(OUTAGE);
    const failed = await port.read(1).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(DomainError);
    expect(failed).toMatchObject({ code: 'store_unavailable', message: 'The part did not answer.' });
    expect((failed as Error).cause).toBe(OUTAGE);
    expect(() => port.readNow()).toThrow(DomainError);
  });

  it('leaves a refusal of the domain and a bug as they are', async () => {
    const adapter = new Adapter();
    const port = withOutageBoundary(adapter, RULE);
    for (const error of [new DomainError('event_needs_reconcile'), new TypeError('x is undefined')]) {
      adapter.fail(error);
      await expect(port.read(1)).rejects.toBe(error);
      expect(() => port.readNow()).toThrow(error);
    }
  });
});
