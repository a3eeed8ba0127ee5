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
// Every counter carries the hash tag {boxoffice-rate} (take-quota-args.ts): the counters of a cluster live on
// one shard.
import { readFileSync } from 'node:fs';
import {
  defineScript,
  KEYS_COUNTED_BY_FIRST_ARG,
  type RedisClient,
  type Script,
  sharedPrelude,
} from '../gate/redis/scripts.js';
import type { RateCounter, Take, Verdict } from './counter.js';
import { takeQuotaCall } from './take-quota-args.js';

/** The script's file: its keys depend on the batch, so its name counts none; its first argument does. */
export const TAKE_QUOTA_FILE = 'take-quota.lua';
/** Requests per call at most: a call of 256 requests (≤ 768 counters) keeps Redis busy well under 1 ms. */
export const RATE_BATCH_MAX = 256;

/** Loads take-quota.lua after the prelude every boxoffice script shares (gate/redis/scripts.ts). */
export function defineTakeQuota(redis: RedisClient): Script {
  const own = readFileSync(new URL(`./lua/${TAKE_QUOTA_FILE}`, import.meta.url), 'utf8');
  return defineScript(redis, 'boxoffice_take_quota', `${sharedPrelude()}\n${own}`, KEYS_COUNTED_BY_FIRST_ARG);
}

interface Waiting {
  readonly takes: readonly Take[];
  resolve(verdict: Verdict): void;
  reject(error: unknown): void;
}

export class RedisRateCounter implements RateCounter {
  readonly #script: Script;
  #waiting: Waiting[] = [];
  /** A drain is running or is due at the end of this turn. */
  #calling = false;

  constructor(redis: RedisClient) {
    this.#script = defineTakeQuota(redis);
  }

  take(takes: readonly Take[]): Promise<Verdict> {
    // Nothing to count: allowed, as by the memory counter, without a call.
    if (takes.length === 0) return Promise.resolve({ allowed: true, remaining: [], resetMs: [] });
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
        const { keys, args } = takeQuotaCall(batch.map(({ takes }) => takes));
        const reply = (await this.#script(keys, args)) as number[];
        verdictsOf(batch, reply);
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.#calling = false;
  }
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
