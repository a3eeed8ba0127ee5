// Bounds of the live fan-out. The comment beside each says why it has that value.

/**
 * At most one flush (an availability message, and a seats message when seats changed) per event per this
 * long, however many seats change: ten updates a second look live to a person and cost a browser little.
 */
export const LIVE_FLUSH_INTERVAL_MS = 100;

/**
 * A client whose unsent bytes exceed its snapshot plus this bound is dropped as a slow consumer. 1 MiB is
 * many seconds of changes for a reader that keeps up (a flush of the busiest event is tens of KB), yet
 * 1,000 stalled clients cost at most 1 GiB beyond their snapshots before they are dropped. The snapshot is
 * allowed on top because a 200,000-seat snapshot alone is several MB and must not count as falling behind.
 */
export const LIVE_SEND_BUFFER_BYTES_MAX = 1024 * 1024;

/**
 * A dropped or closed client gets a close frame and this long to answer it; then its socket is destroyed.
 * A slow consumer may never read the close frame, and its buffered bytes must not outlive the drop.
 */
export const LIVE_CLOSE_GRACE_MS = 1_000;

/**
 * Live connections one instance serves at most; the next one gets 503 `not_ready` before the upgrade and
 * retries, on this instance or another. Each costs its snapshot (up to several MB for a stadium) and a
 * share of every flush; 10,000 watchers of a 20,000-seat event stay within a few GB.
 */
export const LIVE_CONNECTIONS_MAX = 10_000;

/** Clients only listen: anything they send is ignored, and a frame larger than this closes the socket. */
export const LIVE_CLIENT_FRAME_BYTES_MAX = 1024;

/** How long one XREAD of the Redis feed blocks before it asks again (and notices it was stopped). */
export const REDIS_FEED_BLOCK_MS = 5_000;

/** Entries one XREAD returns at most: a burst is read in bounded slices, in log order. */
export const REDIS_FEED_READ_ENTRIES_MAX = 1_000;

/** Pause before the Redis feed reads again after an error, so a Redis outage is not a busy loop. */
export const REDIS_FEED_RETRY_MS = 500;
