// Whose fault is a failed batch: its entries', or the store's? Only the first may lead to dead letters. A
// store that refuses connections fails its ping; but a store that answers SELECT 1 may still refuse every
// write (disk full, read-only, a lock timeout), and blaming the entries then would dead-letter a whole sale.
// So an entry is blamed only for errors its data can cause; anything else is retried as an outage.

/**
 * SQLSTATE classes an entry's data can cause: 22 data exception (a value out of range or of the wrong
 * type), 23 integrity constraint violation (a second ticket for one seat, a hold of an unknown event),
 * 54 program limit exceeded (a value too long for an index).
 */
const ENTRY_FAULT_CLASSES = new Set(['22', '23', '54']);
const SQLSTATE = /^[0-9A-Z]{5}$/;

export function entriesToBlame(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && SQLSTATE.test(code)) return ENTRY_FAULT_CLASSES.has(code.slice(0, 2));
  // Not from the database (the entry could not be turned into rows), or a connection error, which the
  // store's ping tells apart.
  return true;
}
