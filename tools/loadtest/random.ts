// Seeded randomness per flow: flow `index` of a run with seed `seed` always draws the same numbers, whichever
// connection runs it and in whatever order the flows interleave. A run is then reproducible in what it
// asks for (users, quantities, seats, endings), though not in how the server interleaves the answers.

/** A generator of floats in [0, 1) for one flow (mulberry32 over a mix of seed and index). */
export function flowRandom(seed: number, index: number): () => number {
  let state = mix32(seed ^ mix32(index + 0x9e3779b9));
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A whole number from 1 to `max`, inclusive. */
export function oneTo(random: () => number, max: number): number {
  return 1 + Math.floor(random() * max);
}

/** An element of a non-empty list. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A 32-bit integer hash (murmur3's finaliser): nearby inputs give unrelated outputs. */
function mix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
