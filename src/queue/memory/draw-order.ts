// The order of the early joiners at the sales start: indices sorted by their draws (uniform in [0, 1)), ties
// broken by buyer id as Redis breaks ties of equal scores. A bucket sort: with n uniform draws in n buckets,
// each bucket holds about one, so ordering a million joiners is linear instead of a comparison sort of a
// million objects (which held the event loop for seconds).

/** Indices of `draws` in ascending order of (draw, key). */
export function orderByDraw(draws: Float64Array, keys: readonly string[]): Int32Array {
  const n = draws.length;
  const start = new Int32Array(n + 1);
  const bucketOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const bucket = Math.min(n - 1, Math.max(0, Math.floor((draws[i] as number) * n)));
    bucketOf[i] = bucket;
    start[bucket + 1] = (start[bucket + 1] as number) + 1;
  }
  for (let b = 0; b < n; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
  const order = new Int32Array(n);
  const next = start.slice(0, n);
  for (let i = 0; i < n; i++) {
    const bucket = bucketOf[i] as number;
    order[next[bucket] as number] = i;
    next[bucket] = (next[bucket] as number) + 1;
  }
  const before = (a: number, b: number) => {
    const da = draws[a] as number;
    const db = draws[b] as number;
    return da < db || (da === db && (keys[a] as string) < (keys[b] as string));
  };
  // Insertion sort inside each bucket (about one item each).
  for (let b = 0; b < n; b++) {
    const first = start[b] as number;
    const end = start[b + 1] as number;
    for (let i = first + 1; i < end; i++) {
      const item = order[i] as number;
      let j = i - 1;
      while (j >= first && before(item, order[j] as number)) {
        order[j + 1] = order[j] as number;
        j--;
      }
      order[j + 1] = item;
    }
  }
  return order;
}
