// The audit: compares what the gate says, what the log has not yet made durable, and what the store holds,
// and reports drift as numbers: gate = store + unprojected entries must hold to the unit, under load too.
import { DomainError } from '../domain/errors.js';
import { isHoldEntry, itemCount, type LogEntry } from '../domain/log-entry.js';
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
  /** Log entries the projectors gave up on (distributed shape); each is a change the store lacks. */
  readonly deadLetters: number;
  /** gate minus (store plus unprojected entries); zero when the three agree. */
  readonly drift: { readonly sold: number; readonly held: number };
  /**
   * Distributed shape: the event's units-on-sale counter (kept by the gate's scripts for the sell-out mark)
   * minus the units its pools and sections have on sale; 0 when they agree, and always 0 embedded.
   */
  readonly counterDrift: number;
  readonly oversold: number;
  readonly doubleBooked: number;
  readonly phantom: number;
  /**
   * Distributed shape: why the event's gate state cannot be trusted (Redis lost it; sales are stopped until
   * `boxoffice reconcile`). Present only then, and the report is never consistent while it is.
   */
  readonly gateLost?: string;
  readonly consistent: boolean;
}

/**
 * The distributed shape's log: a stream per event in Redis, read together with the gate's counts.
 * `tailStart` is where unacknowledged entries begin; `view` reads the counts and every entry from there on
 * in one atomic step.
 */
export interface StreamAuditSource {
  tailStart(eventId: string): Promise<string>;
  view(
    eventId: string,
    tailFrom: string,
  ): Promise<
    { state: EventState; tail: readonly LogEntry[]; availableCounter?: number | undefined } | undefined
  >;
  deadLetters(eventId: string): Promise<number>;
}

/**
 * The embedded shape's log between journal and store: entries durable but not yet projected into the store,
 * and a way to hold the projection still while the audit reads.
 */
export interface ProjectionTail {
  unprojected(eventId: string): Promise<readonly LogEntry[]>;
  /** Entries of the event the projection gave up on (the store refused them alone). */
  deadLetters?(eventId: string): Promise<number>;
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * Embedded shape: exact under load because the journal is held still (no batch is written) and the
 * projection too (no batch is applied) while gate, log tail and store are read.
 */
export async function auditEvent(
  eventId: string,
  gate: Gate,
  store: Store,
  journal: Journal | undefined,
  tail?: ProjectionTail,
): Promise<AuditReport | undefined> {
  const read = async () => {
    const captured = await capture(eventId, gate, journal);
    if (captured === undefined) return undefined;
    // Log order: what the log holds unprojected came before what the journal has not yet written.
    const logged = (await tail?.unprojected(eventId)) ?? [];
    return { ...captured, pending: [...logged, ...captured.pending], stored: await store.audit(eventId) };
  };
  const held = tail === undefined ? read : () => tail.exclusive(read);
  const view = journal === undefined ? await held() : await journal.quiesce(held);
  if (view === undefined) return undefined;
  return reportOf(eventId, view.state, view.pending, view.stored, (await tail?.deadLetters?.(eventId)) ?? 0);
}

/**
 * Distributed shape: exact under load without stopping anything. The tail's start is read first; every
 * entry before it was acknowledged, so committed, before the store's snapshot begins. The store snapshot is
 * taken next, and inside it the gate's counts and the tail from that start are read in one Redis step:
 * whatever the snapshot shows was decided before that step, so it is in the counts, and each tail entry is
 * then either shown by the snapshot or counted as unprojected, never both (store.audit decides which).
 */
export async function auditStream(
  eventId: string,
  source: StreamAuditSource,
  store: Store,
): Promise<AuditReport | undefined> {
  const start = await source.tailStart(eventId);
  let state: EventState | undefined;
  let availableCounter: number | undefined;
  let stored: StoreAudit;
  try {
    stored = await store.audit(eventId, async () => {
      const view = await source.view(eventId, start);
      state = view?.state;
      availableCounter = view?.availableCounter;
      return view?.tail ?? [];
    });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'event_needs_reconcile')
      return lostReport(eventId, store, await source.deadLetters(eventId));
    throw error;
  }
  if (state === undefined) return undefined;
  const report = reportOf(
    eventId,
    state,
    stored.unreflected ?? [],
    stored,
    await source.deadLetters(eventId),
  );
  // A counter missing from the hash is computed from the definition at the next placement: nothing to check.
  if (availableCounter === undefined) return report;
  const counterDrift = availableCounter - state.available;
  return { ...report, counterDrift, consistent: report.consistent && counterDrift === 0 };
}

/**
 * Redis lost the event's state: the gate has nothing to compare, so the report shows it empty, the store as
 * it is, and the reason. Never consistent.
 */
async function lostReport(eventId: string, store: Store, deadLetters: number): Promise<AuditReport> {
  const [stored, stats] = await Promise.all([store.audit(eventId), store.eventStats(eventId)]);
  const capacity = stats?.capacity ?? 0;
  return {
    eventId,
    capacity,
    gate: { capacity, available: capacity, held: 0, sold: 0 },
    store: { tickets: stored.tickets, orders: stored.orders, held: stored.heldItems },
    unprojected: 0,
    deadLetters,
    drift: { sold: -stored.tickets, held: -stored.heldItems },
    counterDrift: 0,
    oversold: 0,
    doubleBooked: stored.doubleBooked,
    phantom: stored.phantom,
    gateLost: stored.gateLost ?? 'Redis lost the gate state of this event.',
    consistent: false,
  };
}

function reportOf(
  eventId: string,
  state: EventState,
  pending: readonly LogEntry[],
  stored: StoreAudit,
  deadLetters: number,
): AuditReport {
  const delta = effectOf(pending);
  const drift = {
    sold: state.sold - (stored.tickets + delta.sold),
    held: state.held - (stored.heldItems + delta.held),
  };
  const oversold = Math.max(gateOversold(state), storeOversold(state, stored, pending));
  return {
    eventId,
    capacity: state.capacity,
    gate: { capacity: state.capacity, available: state.available, held: state.held, sold: state.sold },
    store: { tickets: stored.tickets, orders: stored.orders, held: stored.heldItems },
    unprojected: pending.length,
    deadLetters,
    drift,
    counterDrift: 0,
    oversold,
    doubleBooked: stored.doubleBooked,
    phantom: stored.phantom,
    ...(stored.gateLost === undefined ? {} : { gateLost: stored.gateLost }),
    consistent:
      stored.gateLost === undefined &&
      drift.sold === 0 &&
      drift.held === 0 &&
      oversold === 0 &&
      stored.doubleBooked === 0 &&
      stored.phantom === 0 &&
      deadLetters === 0,
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
    if (!isHoldEntry(entry)) continue;
    const count = itemCount(entry.hold);
    if (entry.type === 'hold_extended') continue;
    // A cancellation takes sold stock back to sale; it never touches held stock.
    if (entry.type === 'order_cancelled') sold -= count;
    else if (entry.type === 'hold_placed') held += count;
    // A late confirm re-takes its items from sale: they were not held.
    else if (!(entry.type === 'hold_confirmed' && entry.retaken === true)) held -= count;
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

/** Oversell in the store's view, the entries not yet projected applied: what the store will hold. */
function storeOversold(state: EventState, stored: StoreAudit, pending: readonly LogEntry[]): number {
  const delta = effectOf(pending);
  let excess = Math.max(0, stored.tickets + stored.heldItems + delta.sold + delta.held - state.capacity);
  const byPool = poolEffectOf(pending);
  for (const pool of state.pools) {
    const change = byPool.get(pool.id) ?? 0;
    excess = Math.max(
      excess,
      (stored.soldByPool[pool.id] ?? 0) + (stored.heldByPool[pool.id] ?? 0) + change - pool.capacity,
    );
  }
  return excess;
}

/**
 * Change of held + sold per pool that the entries bring: placements add; releases, expiries and
 * cancellations remove.
 */
function poolEffectOf(entries: readonly LogEntry[]): Map<string, number> {
  const byPool = new Map<string, number>();
  for (const entry of entries) {
    if (!isHoldEntry(entry) || entry.type === 'hold_extended') continue;
    if (entry.type === 'hold_confirmed' && entry.retaken !== true) continue;
    const sign = entry.type === 'hold_placed' || entry.type === 'hold_confirmed' ? 1 : -1;
    for (const item of entry.hold.items)
      if (item.poolId !== undefined)
        byPool.set(item.poolId, (byPool.get(item.poolId) ?? 0) + sign * item.quantity);
  }
  return byPool;
}
