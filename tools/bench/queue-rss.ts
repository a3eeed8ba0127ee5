// What a million waiting buyers cost the embedded shape's waiting room: resident memory before and after
// they join one event's line (before the start, then drawn), and the time of the joins and of one draw.
// Run: node dist/tools/bench/queue-rss.js [buyers]. Bounded: at most 5,000,000 buyers.
import { MemoryWaitingRoom } from '../../src/queue/memory/memory-waiting-room.js';
import { cryptoDraw } from '../../src/queue/queue-service.js';

const BUYERS_MAX = 5_000_000;

async function main(): Promise<void> {
  const buyers = Math.min(BUYERS_MAX, Number(process.argv[2] ?? 1_000_000));
  // Nobody is admitted here (joins and the draw only), so nothing reaches the journal.
  const room = new MemoryWaitingRoom({ append: async () => {} });
  const startMs = 1_900_000_000_000;
  await room.configure('rss', {
    opensAtMs: 0,
    salesStartAtMs: startMs,
    admitPerMinute: 600,
    passMinutes: 10,
    maxActive: 1_000,
    paused: false,
  });
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const joinStart = performance.now();
  for (let i = 0; i < buyers; i++) await room.join('rss', `buyer-${i}`, cryptoDraw(), startMs - 1);
  const joinMs = performance.now() - joinStart;
  const drawStart = performance.now();
  await room.standings('rss', ['buyer-0'], startMs);
  const drawMs = performance.now() - drawStart;
  globalThis.gc?.();
  const after = process.memoryUsage().rss;
  const mb = (bytes: number) => (bytes / 1_048_576).toFixed(0);
  process.stdout.write(
    `${buyers} buyers waiting: RSS ${mb(before)} MB → ${mb(after)} MB (+${mb(after - before)} MB, ${((after - before) / buyers).toFixed(0)} B per buyer); joins ${(buyers / (joinMs / 1000)).toFixed(0)}/s in-process; the draw at the start ${drawMs.toFixed(0)} ms\n`,
  );
}

await main();
