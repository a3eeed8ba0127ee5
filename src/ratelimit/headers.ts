// The rate-limit header fields of draft-ietf-httpapi-ratelimit-headers-11 (May 2026): `RateLimit-Policy`
// names each quota a request is counted against with its size and window (`"ip";q=1200;w=60`), `RateLimit`
// says what is left of each and in how many seconds its window ends (`"ip";r=1187;t=42`). Both are
// Structured Field lists; the policy names are our quota kinds. No partition key (`pk`) is sent: the
// client knows its own address and buyer id, and a key id is not for the client to see.
import type { Quota, Take, Verdict } from './counter.js';

/** One list member of RateLimit-Policy, made once per quota. */
export function policyItem(quota: Quota): string {
  return `"${quota.kind}";q=${quota.limit.count};w=${quota.limit.windowSeconds}`;
}

/** Seconds as the draft's `t` and HTTP's Retry-After want them: whole, rounded up, at least 1 when waiting. */
function seconds(ms: number): number {
  return Math.max(Math.ceil(ms / 1000), 0);
}

export function rateLimitField(takes: readonly Take[], verdict: Verdict): string {
  let field = '';
  for (let i = 0; i < takes.length; i++) {
    if (i > 0) field += ', ';
    field += `"${(takes[i] as Take).quota.kind}";r=${verdict.remaining[i]};t=${seconds(verdict.resetMs[i] as number)}`;
  }
  return field;
}

/** When the refused request may be tried again: once every exhausted quota has a new window. */
export function retryAfterSeconds(verdict: Verdict): number {
  let wait = 1;
  for (let i = 0; i < verdict.remaining.length; i++)
    if (verdict.remaining[i] === 0) wait = Math.max(wait, seconds(verdict.resetMs[i] as number));
  return wait;
}
