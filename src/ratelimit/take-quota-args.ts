// The keys and arguments of take-quota.lua for a batch of requests, in the order its header lists them:
// the counter count (its keys depend on the batch), then per counter its request's number, quota and window.
import type { ScriptArg } from '../gate/redis/scripts.js';
import type { Take } from './counter.js';

/**
 * Every counter carries the hash tag {boxoffice-rate}: a placement's address and buyer counters (and a whole
 * batch) are decided in one atomic call, which on a Redis Cluster needs them in one slot.
 */
export const RATE_KEY_PREFIX = '{boxoffice-rate}:';

/** The counters of every request, request after request, and their arguments; no request is without one. */
export function takeQuotaCall(requests: readonly (readonly Take[])[]): {
  keys: string[];
  args: ScriptArg[];
} {
  const keys: string[] = [];
  const counters: ScriptArg[] = [];
  requests.forEach((takes, index) => {
    if (takes.length === 0) throw new Error('A request takes from one counter at least.');
    for (const take of takes) {
      keys.push(`${RATE_KEY_PREFIX}${take.quota.kind}:${take.who}`);
      counters.push(index + 1, take.quota.limit.count, take.quota.limit.windowSeconds * 1000);
    }
  });
  return { keys, args: [keys.length, ...counters] };
}
