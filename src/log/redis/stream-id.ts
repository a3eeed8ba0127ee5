// Redis stream ids are `<milliseconds>-<sequence>`: the time Redis appended the entry, then a counter.

/** The Redis clock time at which the entry was appended. */
export function streamIdMs(id: string): number {
  const dash = id.indexOf('-');
  return Number(dash < 0 ? id : id.slice(0, dash));
}

/** Orders stream ids numerically (a plain string comparison would put `10-0` before `9-0`). */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = 0n, aSeq = 0n] = a.split('-').map(BigInt);
  const [bMs = 0n, bSeq = 0n] = b.split('-').map(BigInt);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

export function oldestStreamIdMs(ids: Iterable<string>): number {
  let oldest = Number.POSITIVE_INFINITY;
  for (const id of ids) oldest = Math.min(oldest, streamIdMs(id));
  return oldest;
}

/** The smallest id after `id`: XTRIM MINID of it removes `id` and everything before. */
export function nextStreamId(id: string): string {
  const [ms = '0', sequence = '0'] = id.split('-');
  return `${ms}-${BigInt(sequence) + 1n}`;
}
