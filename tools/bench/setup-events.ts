// The events the scenarios hold from, created over the public API like any admin would.

/** Holds never sell out during a run: the largest pool an event may have (POOL_CAPACITY_MAX). */
export const ACCEPTED_POOL_CAPACITY = 10_000_000;
export const ACCEPTED_EVENT_ID = 'bench-accepted';
export const SOLD_OUT_EVENT_ID = 'bench-sold-out';
export const POOL_ID = 'ga';
/**
 * Open runs: users are unique per request (holds.lua), so any limit lets every hold through. Buyer-token runs
 * (`--auth verified`) reuse 10,000 buyers: 1,000 each (MAX_PER_USER_MAX) lets 10 million holds through, more
 * than a run of the largest --duration at this machine's rates places.
 */
const MAX_PER_USER = 1_000;
const REQUEST_TIMEOUT_MS = 10_000;

export async function createBenchEvents(baseUrl: string, adminToken: string): Promise<void> {
  await createEvent(baseUrl, adminToken, ACCEPTED_EVENT_ID, ACCEPTED_POOL_CAPACITY);
  await createEvent(baseUrl, adminToken, SOLD_OUT_EVENT_ID, 1);
  // Sell the one ticket, then check that the next hold is refused as sold out, before measuring refusals.
  const first = await postHold(baseUrl, SOLD_OUT_EVENT_ID, 'u-bench-first');
  if (first.status !== 201)
    throw new Error(`The first hold of ${SOLD_OUT_EVENT_ID} answered ${first.status}.`);
  const second = await postHold(baseUrl, SOLD_OUT_EVENT_ID, 'u-bench-second');
  const code = (second.body as { error?: { code?: string } }).error?.code;
  if (second.status !== 409 || code !== 'sold_out') {
    throw new Error(
      `A hold of the sold-out event answered ${second.status} ${code ?? ''}, not 409 sold_out.`,
    );
  }
}

async function createEvent(baseUrl: string, adminToken: string, id: string, capacity: number): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({
      id,
      name: `bench ${id}`,
      venue: 'bench',
      startsAt: '2030-01-01T20:00:00Z',
      maxPerUser: MAX_PER_USER,
      pools: [{ id: POOL_ID, name: 'General admission', capacity, price: 4500 }],
    }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (response.status !== 201) {
    throw new Error(`Creating event ${id} answered ${response.status}: ${await response.text()}`);
  }
}

async function postHold(
  baseUrl: string,
  eventId: string,
  userId: string,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${baseUrl}/v1/events/${eventId}/holds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, quantity: 1, poolId: POOL_ID }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.json() };
}
