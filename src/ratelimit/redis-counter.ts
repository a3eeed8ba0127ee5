// Counters shared by every API process of the distributed shape, decided in Redis (take-quota.lua) with
// Redis's clock. The script is loaded once per connection under a name carrying its content hash and called
// by EVALSHA, as the gate's scripts are.
//
// Requests are batched the way the embedded journal commits: the requests of one event-loop turn go out
// together at its end (setImmediate); those that arrive while a call is in flight go together in the next
// call. At low load that is one call per request; under load one call decides many, so the per-request
// cost in this process and in Redis falls while the counts stay exact (Redis decides every request, in
// order). The first request of a turn no longer goes out alone: sending it at once cost a call and a
// socket write of its own for every turn (see docs/benchmarks.md, the refusal path).
//
// Every counter carries the hash tag {boxoffice-rate}: a placement's address and buyer counters (and a
// whole batch) are decided in one atomic call, which on a Redis Cluster needs them in one slot. So the
// counters of a cluster live on one shard.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from '../gate/redis/scripts.js';
import type { RateCounter, Take, Verdict } from './counter.js';

const KEY_PREFIX = '{boxoffice-rate}:';
/** Requests per call at most: a call of 256 requests (≤ 768 counters) keeps Redis busy well under 1 ms. */
export const RATE_BATCH_MAX = 256;

type Call = (...args: (string | number)[]) => Promise<unknown>;

interface Waiting {
  readonly takes: readonly Take[];
  resolve(verdict: Verdict): void;
  reject(error: unknown): void;
}

export class RedisRateCounter implements RateCounter {
  readonly #redis: RedisClient;
  readonly #call: Call;
  #waiting: Waiting[] = [];
  /** A drain is running or is due at the end of this turn. */
  #calling = false;

  constructor(redis: RedisClient) {
    this.#redis = redis;
    const lua = readFileSync(new URL('./lua/take-quota.lua', import.meta.url), 'utf8');
    const command = `boxoffice_take_quota_${createHash('sha1').update(lua).digest('hex').slice(0, 12)}`;
    redis.defineCommand(command, { lua });
    const call = (redis as unknown as Record<string, Call>)[command];
    if (call === undefined) throw new Error('The rate-limit script could not be defined.');
    this.#call = call;
  }

  take(takes: readonly Take[]): Promise<Verdict> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ takes, resolve, reject });
      if (this.#calling) return;
      this.#calling = true;
      setImmediate(() => void this.#drain());
    });
  }

  async #drain(): Promise<void> {
    while (this.#waiting.length > 0) {
      const batch =
        this.#waiting.length <= RATE_BATCH_MAX ? this.#waiting : this.#waiting.slice(0, RATE_BATCH_MAX);
      this.#waiting = batch === this.#waiting ? [] : this.#waiting.slice(RATE_BATCH_MAX);
      try {
        const reply = (await this.#call.apply(this.#redis, argumentsOf(batch))) as number[];
        verdictsOf(batch, reply);
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.#calling = false;
  }
}

function argumentsOf(batch: readonly Waiting[]): (string | number)[] {
  const keys: string[] = [];
  const args: number[] = [];
  for (const { takes } of batch) {
    args.push(takes.length);
    for (const take of takes) {
      keys.push(`${KEY_PREFIX}${take.quota.kind}:${take.who}`);
      args.push(take.quota.limit.count, take.quota.limit.windowSeconds * 1000);
    }
  }
  return [keys.length, ...keys, ...args];
}

function verdictsOf(batch: readonly Waiting[], reply: readonly number[]): void {
  let at = 0;
  for (const { takes, resolve } of batch) {
    const allowed = reply[at++] === 1;
    const remaining: number[] = [];
    const resetMs: number[] = [];
    for (let i = 0; i < takes.length; i++) {
      remaining.push(reply[at++] as number);
      resetMs.push(reply[at++] as number);
    }
    resolve({ allowed, remaining, resetMs });
  }
}
