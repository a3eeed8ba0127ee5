// The audit: compares what the gate says, what the log has not yet made durable, and what the store holds,
// and reports drift as numbers. In the embedded shape it is exact under load: the journal is held still
// while the store is read, so gate = store + pending entries must hold to the unit.
import { itemCount, type LogEntry } from '../domain/log-entry.js';
import type { Availability, EventState } from '../domain/types.js';
import type { Gate } from '../gate/gate.js';
import type { Journal } from '../journal/journal.js';
import type { Store, StoreAudit } from '../store/store.js';

/** A capture of gate and journal is retried when a decision slipped in between its two reads. */
const CAPTURE_ATTEMPTS_MAX = 20;

export interface AuditReport {
  readonly eventId: string;
  readonly capacity: number;
  readonly gate: Availability;
  readonly store: { readonly tickets: number; readonly orders: number; readonly held: number };
  readonly unprojected: number;
  /** gate minus (store plus unprojected entries); zero when the three agree. */
  readonly drift: { readonly sold: number; readonly held: number };
  readonly oversold: number;
  readonly doubleBooked: number;
  readonly phantom: number;
  readonly consistent: boolean;
}

export async function auditEvent(
  eventId: string,
  gate: Gate,
  store: Store,
  journal: Journal | undefined,
): Promise<AuditReport | undefined> {
  const read = async () => {
    const captured = await capture(eventId, gate, journal);
    if (captured === undefined) return undefined;
    return { ...captured, stored: await store.audit(eventId) };
  };
  const view = journal === undefined ? await read() : await journal.quiesce(read);
  if (view === undefined) return undefined;
  const { state, pending, stored } = view;
  const delta = effectOf(pending);
  const drift = {
    sold: state.sold - (stored.tickets + delta.sold),
    held: state.held - (stored.heldItems + delta.held),
  };
  const oversold = Math.max(gateOversold(state), storeOversold(state, stored));
  return {
    eventId,
    capacity: state.capacity,
    gate: { capacity: state.capacity, available: state.available, held: state.held, sold: state.sold },
    store: { tickets: stored.tickets, orders: stored.orders, held: stored.heldItems },
    unprojected: pending.length,
    drift,
    oversold,
    doubleBooked: stored.doubleBooked,
    phantom: stored.phantom,
    consistent:
      drift.sold === 0 &&
      drift.held === 0 &&
      oversold === 0 &&
      stored.doubleBooked === 0 &&
      stored.phantom === 0,
  };
}

async function capture(eventId: string, gate: Gate, journal: Journal | undefined) {
  for (let attempt = 0; attempt < CAPTURE_ATTEMPTS_MAX; attempt++) {
    const before = journal?.pending().length ?? 0;
    const state = await gate.eventState(eventId);
    if (state === undefined) return undefined;
    // While quiesced the journal only grows, so an unchanged length means no decision came in between.
    if ((journal?.pending().length ?? 0) === before)
      return { state, pending: journal?.pending(eventId) ?? [] };
  }
  throw new Error('The audit could not take a stable view of the gate under this load; retry.');
}

function effectOf(entries: readonly LogEntry[]): { sold: number; held: number } {
  let sold = 0;
  let held = 0;
  for (const entry of entries) {
    const count = itemCount(entry.hold);
    if (entry.type === 'hold_placed') held += count;
    else held -= count;
    if (entry.type === 'hold_confirmed') sold += count;
  }
  return { sold, held };
}

function gateOversold(state: EventState): number {
  let excess = Math.max(0, state.sold + state.held - state.capacity);
  for (const pool of state.pools)
    excess = Math.max(
      excess,
      pool.sold + pool.held - pool.capacity,
      pool.available < 0 ? -pool.available : 0,
    );
  return excess;
}

function storeOversold(state: EventState, stored: StoreAudit): number {
  let excess = Math.max(0, stored.tickets + stored.heldItems - state.capacity);
  for (const pool of state.pools) {
    excess = Math.max(
      excess,
      (stored.soldByPool[pool.id] ?? 0) + (stored.heldByPool[pool.id] ?? 0) - pool.capacity,
    );
  }
  return excess;
}
