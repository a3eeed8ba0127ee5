// Bounds of the live fan-out. The comment beside each says why it has that value.

/**
 * At most one flush (an availability message, and a seats message when seats changed) per event per this
 * long, however many seats change: ten updates a second look live to a person and cost a browser little.
 */
export const LIVE_FLUSH_INTERVAL_MS = 100;

/**
 * A client whose queued bytes (`bufferedAmount`: its snapshot, the flushes kept for it while the snapshot
 * was read, and every flush since, as far as the kernel has not taken them) pass this bound is dropped as
 * a slow consumer. The snapshot counts: a 200,000-seat one is ~0.25 MB and the largest an event definition
 * allows ~1.3 MB, which leaves 0.7-1.7 MiB for changes, many seconds of the busiest event (a flush is tens
 * of KB) for a reader that keeps up. Messages are shared Buffers, so stalled clients cost bookkeeping, not
 * copies, before they are dropped.
 */
export const LIVE_SEND_BUFFER_BYTES_MAX = 2 * 1024 * 1024;

/**
 * A shared snapshot is given to joiners with the flushes made since it was read. Once those pass half the
 * snapshot's size, or this floor, reading a fresh one is cheaper for the next joiner than sending them.
 */
export const LIVE_SNAPSHOT_FOLLOW_UPS_BYTES_MIN = 64 * 1024;

/**
 * A dropped or closed client gets a close frame and this long to answer it; then its socket is destroyed.
 * A slow consumer may never read the close frame, and its buffered bytes must not outlive the drop.
 */
export const LIVE_CLOSE_GRACE_MS = 1_000;

/**
 * Live connections one instance serves at most; the next one gets 503 `not_ready` before the upgrade and
 * retries, on this instance or another. Snapshots and flushes are shared, so each costs its bookkeeping
 * (measured ~6 KB each with 2,000 stalled sockets on a 200,000-seat event, test/live/memory.test.ts) and its
 * socket's kernel buffers: 10,000 stay well within a GB.
 */
export const LIVE_CONNECTIONS_MAX = 10_000;

/**
 * Default of BOXOFFICE_LIVE_CONNECTIONS_PER_ADDRESS: live connections one client address may hold on one
 * instance. A page needs one; a household or an office behind one NAT address has a few dozen people at
 * most on one on-sale, and 20 keeps one address from taking more than 0.2% of LIVE_CONNECTIONS_MAX.
 */
export const LIVE_CONNECTIONS_PER_ADDRESS_DEFAULT = 20;

/** Clients only listen: anything they send is ignored, and a frame larger than this closes the socket. */
export const LIVE_CLIENT_FRAME_BYTES_MAX = 1024;

/** How long one XREAD of the Redis feed blocks before it asks again (and notices it was stopped). */
export const REDIS_FEED_BLOCK_MS = 5_000;

/** Entries one XREAD returns at most: a burst is read in bounded slices, in log order. */
export const REDIS_FEED_READ_ENTRIES_MAX = 1_000;

/** Pause before the Redis feed reads again after an error, so a Redis outage is not a busy loop. */
export const REDIS_FEED_RETRY_MS = 500;
