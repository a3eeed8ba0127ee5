// The memory measurement's own process: the embedded server assembled exactly as `serve` assembles it
// (PGlite data dir, group commit, memory gate, Fastify app built), driven in process through the use cases,
// which is ~10x faster than over HTTP and leaves the process holding only what the server holds.
//   node --expose-gc dist/tools/bench/memory-run.js <holds> <timeoutSeconds> <dataDir> <worker|main> [cacheMb]
//     [restSeconds]
// After the holds, the server rests restSeconds (no calls, no forced GC) and its RSS is read again: V8 gives
// heap pages back by itself once allocation stops (its memory reducer), which a read right after the run
// does not show.
// Prints progress on stderr and one line `MEMORY_RESULT {json}` on stdout.

import { loadConfig } from '../../src/config.js';
import type { EventDraft } from '../../src/domain/event-spec.js';
import { assembleEmbedded, type Embedded, embeddedOptionsOf } from '../../src/embedded.js';
import type { ProjectionThreadMode } from '../../src/projector/embedded/projection-mode.js';
import { STORE_CACHE_MB_DEFAULT } from '../../src/store/pglite/pglite-driver.js';
import { LiveHolds, type MemoryPhase, type MemoryResult, phaseOf, VENUE } from './memory-workload.js';

/** Like 256 clients at once: enough to keep group commits full, so the run takes about a minute. */
const CONCURRENCY = 256;
/** Holds live at once: a sale in full swing holds a good part of the venue. */
const LIVE_HOLDS_MAX = 40_000;
/**
 * One hold in 23 is bought, the rest released: ~42,000 of 100,000 seats sold after 1,000,000 holds. 23 is
 * prime to the 10 sections that holds take in turn, so sales spread over all of them; with 25, every sale
 * fell in the same two sections, which sold out.
 */
const CONFIRM_EVERY = 23;
const HOLD_TTL_SECONDS = 300;
const PROGRESS_INTERVAL_MS = 5_000;
const RSS_SAMPLE_INTERVAL_MS = 250;
const EVENT_ID = 'bench-memory';

interface Counters {
  accepted: number;
  placing: number;
  rejected: number;
  confirmed: number;
  released: number;
  peakRssBytes: number;
}

async function main(
  holds: number,
  timeoutSeconds: number,
  dataDir: string,
  projectionThread: ProjectionThreadMode,
  storeCacheMb: string,
  restSeconds: number,
): Promise<MemoryResult> {
  let clockOffsetMs = 0;
  const config = loadConfig({
    BOXOFFICE_PROJECTION_THREAD: projectionThread,
    BOXOFFICE_STORE_CACHE_MB: storeCacheMb,
    BOXOFFICE_ADMIN_TOKEN: 'bench-admin-token-0123456789',
    BOXOFFICE_HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS),
  });
  const embedded = await assembleEmbedded({
    ...embeddedOptionsOf(config, dataDir),
    clock: () => Date.now() + clockOffsetMs,
  });
  embedded.sweeper.start();
  const phases: MemoryPhase[] = [phaseOf('started, no event')];
  const created = await embedded.reservations.createEvent(eventDraft());
  if ('code' in created) throw new Error(`Creating the event failed: ${created.code}`);
  phases.push(phaseOf(`event of ${VENUE.seats.toLocaleString('en-US')} seats created`));
  const counters: Counters = {
    accepted: 0,
    placing: 0,
    rejected: 0,
    confirmed: 0,
    released: 0,
    peakRssBytes: 0,
  };
  const startedAt = performance.now();
  const deadline = Date.now() + timeoutSeconds * 1000;
  const sampler = setInterval(() => {
    counters.peakRssBytes = Math.max(counters.peakRssBytes, process.memoryUsage.rss());
  }, RSS_SAMPLE_INTERVAL_MS);
  const progress = setInterval(() => reportProgress(counters, startedAt), PROGRESS_INTERVAL_MS);
  try {
    const live = new LiveHolds();
    const workers = Array.from({ length: CONCURRENCY }, () =>
      work(embedded, holds, deadline, live, counters),
    );
    await Promise.all(workers);
  } finally {
    clearInterval(sampler);
    clearInterval(progress);
  }
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  phases.push(phaseOf(`after ${counters.accepted.toLocaleString('en-US')} holds`));
  if (restSeconds > 0) {
    process.stderr.write(`  resting ${restSeconds} s…\n`);
    await new Promise((resolve) => setTimeout(resolve, restSeconds * 1000));
    phases.push(phaseOf(`then ${restSeconds} s at rest`));
  }
  // Past every live hold's expiry: the sweeper ends them, and the expiry heap lets go of its entries.
  clockOffsetMs = (HOLD_TTL_SECONDS + 1) * 1000;
  const expired = await embedded.reservations.sweepExpired();
  phases.push(phaseOf(`after the expiry sweep (${expired.toLocaleString('en-US')} expired)`));
  await embedded.close();
  return {
    holds: counters.accepted,
    rejected: counters.rejected,
    confirmed: counters.confirmed,
    released: counters.released,
    expired,
    concurrency: CONCURRENCY,
    liveHoldsMax: LIVE_HOLDS_MAX,
    confirmEvery: CONFIRM_EVERY,
    elapsedSeconds,
    timedOut: counters.accepted < holds,
    peakRssBytes: counters.peakRssBytes,
    phases,
  };
}

/** One caller: hold a seat, and once too many are live, confirm or release the oldest. */
async function work(
  embedded: Embedded,
  holds: number,
  deadline: number,
  live: LiveHolds,
  counters: Counters,
): Promise<void> {
  const { reservations } = embedded;
  while (counters.accepted + counters.placing < holds && Date.now() < deadline) {
    const index = counters.accepted + counters.placing + counters.rejected;
    counters.placing++;
    const section = VENUE.sectionIds[index % VENUE.sectionIds.length] as string;
    const result = await reservations.placeHold(
      EVENT_ID,
      { userId: `u-${index}`, sectionId: section, quantity: 1 },
      undefined,
      false,
    );
    counters.placing--;
    if ('code' in result) {
      // The workload keeps sold + live far below the venue; a refusal here means the gate is wrong.
      counters.rejected++;
      if (counters.rejected > holds / 100) throw new Error(`Too many refusals, last: ${result.code}`);
      continue;
    }
    counters.accepted++;
    live.push(result.hold.id);
    while (live.size > LIVE_HOLDS_MAX) await endOldest(embedded, live, counters);
  }
}

async function endOldest(embedded: Embedded, live: LiveHolds, counters: Counters): Promise<void> {
  const holdId = live.shift();
  if (holdId === undefined) return;
  const buy = (counters.confirmed + counters.released) % CONFIRM_EVERY === 0;
  if (buy) counters.confirmed++;
  else counters.released++;
  const result = buy
    ? await embedded.reservations.confirmHold(holdId)
    : await embedded.reservations.releaseHold(holdId);
  if ('code' in result) throw new Error(`Ending hold ${holdId} failed: ${result.code}`);
}

function eventDraft(): EventDraft {
  return {
    id: EVENT_ID,
    name: 'Memory bench',
    venue: 'Stadium',
    startsAt: '2030-01-01T20:00:00Z',
    sections: VENUE.sectionIds.map((id) => ({
      id,
      name: `Section ${id}`,
      price: 4500,
      rows: Array.from({ length: VENUE.rowsPerSection }, (_, row) => ({
        id: `R${row + 1}`,
        seats: VENUE.seatsPerRow,
      })),
    })),
  };
}

function reportProgress(counters: Counters, startedAt: number): void {
  const seconds = (performance.now() - startedAt) / 1000;
  process.stderr.write(
    `  ${counters.accepted.toLocaleString('en-US')} holds in ${seconds.toFixed(0)} s ` +
      `(${Math.round(counters.accepted / seconds).toLocaleString('en-US')}/s), ` +
      `RSS ${(process.memoryUsage.rss() / 1024 / 1024).toFixed(0)} MiB\n`,
  );
}

const [holdsArgument, timeoutArgument, dataDirArgument, threadArgument, cacheArgument, restArgument] =
  process.argv.slice(2);
main(
  Number(holdsArgument),
  Number(timeoutArgument),
  dataDirArgument as string,
  threadArgument === 'main' ? 'main' : 'worker',
  cacheArgument ?? String(STORE_CACHE_MB_DEFAULT),
  Number(restArgument ?? 0),
).then(
  (result) => {
    process.stdout.write(`MEMORY_RESULT ${JSON.stringify(result)}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`memory-run: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exitCode = 1;
  },
);
