// Counters shared by every API process of the distributed shape: one script call per request takes from
// all of the request's counters at once (take-quota.lua), with Redis's clock. The script is loaded once per
// connection under a name carrying its content hash and called by EVALSHA, as the gate's scripts are.
//
// Every counter carries the hash tag {boxoffice-rate}: a placement's address and buyer counters are decided
// in one atomic call, which on a Redis Cluster needs them in one slot. So the counters of a cluster live on
// one shard; each call is a few hash reads and writes, far cheaper than the gate's own script per placement.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from '../gate/redis/scripts.js';
import type { RateCounter, Take, Verdict } from './counter.js';

const KEY_PREFIX = '{boxoffice-rate}:';

type Call = (...args: (string | number)[]) => Promise<unknown>;

export class RedisRateCounter implements RateCounter {
  readonly #redis: RedisClient;
  readonly #call: Call;

  constructor(redis: RedisClient) {
    this.#redis = redis;
    const lua = readFileSync(new URL('./lua/take-quota.lua', import.meta.url), 'utf8');
    const command = `boxoffice_take_quota_${createHash('sha1').update(lua).digest('hex').slice(0, 12)}`;
    redis.defineCommand(command, { lua });
    const call = (redis as unknown as Record<string, Call>)[command];
    if (call === undefined) throw new Error('The rate-limit script could not be defined.');
    this.#call = call;
  }

  async take(takes: readonly Take[]): Promise<Verdict> {
    const args: (string | number)[] = [takes.length];
    for (const take of takes) args.push(`${KEY_PREFIX}${take.quota.kind}:${take.who}`);
    for (const take of takes) args.push(take.quota.limit.count, take.quota.limit.windowSeconds * 1000);
    const reply = (await this.#call.apply(this.#redis, args)) as number[];
    const remaining: number[] = [];
    const resetMs: number[] = [];
    for (let i = 0; i < takes.length; i++) {
      remaining.push(reply[1 + 2 * i] as number);
      resetMs.push(reply[2 + 2 * i] as number);
    }
    return { allowed: reply[0] === 1, remaining, resetMs };
  }
}
