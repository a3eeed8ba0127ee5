// The arguments of the gate scripts: one function per script, giving them in the order and number its header
// lists (lua/*.lua). Every list is fixed; a variable tail (rows, seats, pools, placements) follows its count.
// The scripts check the number they get (check_args, lua/shared.lua), so a builder out of step fails loudly.
import { fingerprintOf, type HoldTarget } from '../../domain/hold-request.js';
import { newHoldId, newOrderToken, orderIdOf } from '../../domain/ids.js';
import { LATE_CONFIRM_MEMORY_MS, WAITLIST_ENTRIES_PER_EVENT_MAX } from '../../domain/limits.js';
import type { EventSpec, Hold } from '../../domain/types.js';
import { lineOf, type WaitlistRequest } from '../../domain/waitlist.js';
import type { CancelCommand, EventUpdate, Payment, PlaceCommand } from '../gate.js';
import type { IdempotencyLimits } from '../memory/idempotency-book.js';
import type { EventLayout } from './layout.js';
import type { FoldedState } from './rebuild.js';
import type { ScriptArg } from './scripts.js';

/** create-event-8.lua. */
export function createEventArgs(spec: EventSpec, seatCount: number, epoch: number): ScriptArg[] {
  return [JSON.stringify(spec), seatCount, epoch];
}

/** load-event-12.lua: the state folded from the store, loaded under a new epoch. */
export function loadEventArgs(spec: EventSpec, state: FoldedState, epoch: number): ScriptArg[] {
  return [
    JSON.stringify(spec),
    state.seatMap,
    JSON.stringify(state.counts),
    JSON.stringify(state.users),
    JSON.stringify(state.holds),
    JSON.stringify(state.idempotency),
    epoch,
    JSON.stringify(state.cancelled),
  ];
}

/** place-11.lua for one placement; `time` is 0 to decide on Redis's clock. */
export function placeArgs(
  command: PlaceCommand,
  layout: EventLayout,
  target: HoldTarget,
  time: number,
  limits: IdempotencyLimits,
): ScriptArg[] {
  const { eventId, request, idempotencyKey } = command;
  const fingerprint =
    idempotencyKey === undefined ? '' : fingerprintOf(request, command.confirm ? 'order' : 'hold');
  return [
    time,
    newHoldId(eventId),
    newOrderToken(),
    eventId,
    request.userId,
    layout.spec.holdTtlSeconds * 1000,
    layout.spec.maxPerUser,
    command.confirm ? 1 : 0,
    idempotencyKey ?? '',
    fingerprint,
    limits.retentionMs,
    limits.keysPerBuyer,
    limits.keysPerEvent,
    ...targetArgs(layout, target),
  ];
}

/** place-11.lua's ARGV 14..: kind, quantity, target id, capacity, price, n, then n entries of three. */
function targetArgs(layout: EventLayout, target: HoldTarget): ScriptArg[] {
  switch (target.kind) {
    case 'pool': {
      const pool = layout.spec.pools.find((p) => p.id === target.poolId);
      return ['pool', target.quantity, target.poolId, pool?.capacity ?? -1, pool?.price ?? 0, 0];
    }
    case 'section': {
      const section = layout.sections.get(target.sectionId);
      if (section === undefined) return ['section', target.quantity, target.sectionId, -1, 0, 0];
      const args: ScriptArg[] = [
        'section',
        target.quantity,
        section.id,
        section.count,
        section.price,
        section.rows.length,
      ];
      for (const row of section.rows) args.push(row.start, row.count, row.id);
      return args;
    }
    case 'seats': {
      const args: ScriptArg[] = ['seats', target.seatIds.length, '', 0, 0, target.seatIds.length];
      for (const seatId of target.seatIds) {
        const offset = layout.seatOffsets.get(seatId);
        const section =
          offset === undefined ? undefined : layout.sections.get(seatId.slice(0, seatId.indexOf('-')));
        args.push(seatId, offset ?? -1, section?.price ?? 0);
      }
      return args;
    }
  }
}

/** place-batch-11.lua: the placements' count, then each placement's place-11.lua ARGV after its own count. */
export function placeBatchArgs(placements: readonly (readonly ScriptArg[])[]): ScriptArg[] {
  const args: ScriptArg[] = [placements.length];
  for (const placement of placements) args.push(placement.length, ...placement);
  return args;
}

/**
 * How confirm-9.lua confirms: `live`, a live unexpired hold (no payment); `paid`, a live hold, late if it
 * expired; `expired`, a hold that ended as expired, whose items are taken back from sale if still free.
 */
export type Confirmation =
  | { readonly mode: 'live'; readonly holdId: string }
  | { readonly mode: 'paid'; readonly holdId: string; readonly payment: Payment }
  | {
      readonly mode: 'expired';
      readonly hold: Hold;
      readonly payment: Payment;
      readonly layout: EventLayout;
    };

/** confirm-9.lua. */
export function confirmArgs(confirmation: Confirmation, time: number): ScriptArg[] {
  if (confirmation.mode === 'live')
    return [time, confirmation.holdId, 'live', -1, '', LATE_CONFIRM_MEMORY_MS, '', 0, '', 0];
  const { mode, payment } = confirmation;
  const paid = [payment.amount ?? -1, payment.reference ?? '', LATE_CONFIRM_MEMORY_MS];
  if (mode === 'paid') return [time, confirmation.holdId, mode, ...paid, '', 0, '', 0];
  const { hold, layout } = confirmation;
  const offsets: number[] = [];
  const pools: ScriptArg[] = [];
  for (const item of hold.items) {
    if (item.seatId !== undefined) offsets.push(layout.seatOffsets.get(item.seatId) as number);
    else if (!pools.includes(item.poolId as string)) {
      const pool = layout.spec.pools.find((p) => p.id === item.poolId);
      pools.push(item.poolId as string, pool?.capacity ?? 0);
    }
  }
  const held = JSON.stringify({ ...hold, status: 'held', orderId: undefined });
  return [
    time,
    hold.id,
    mode,
    ...paid,
    held,
    layout.spec.maxPerUser,
    offsets.join(','),
    pools.length / 2,
    ...pools,
  ];
}

/** extend-8.lua: the extension asked for, within the event's longest hold life. */
export function extendArgs(
  holdId: string,
  seconds: number,
  maxHoldSeconds: number,
  time: number,
): ScriptArg[] {
  return [time, holdId, seconds * 1000, maxHoldSeconds * 1000];
}

/** release-10.lua. */
export function releaseArgs(holdId: string, time: number): ScriptArg[] {
  return [time, holdId, ...offerSeeds()];
}

/** cancel-order-11.lua; undefined when a seat of the hold is not in the event's layout. */
export function cancelOrderArgs(
  command: CancelCommand,
  layout: EventLayout,
  time: number,
): ScriptArg[] | undefined {
  const { hold } = command;
  const offsets = hold.items.flatMap((item) =>
    item.seatId === undefined ? [] : [layout.seatOffsets.get(item.seatId) ?? -1],
  );
  if (offsets.includes(-1)) return undefined;
  return [
    time,
    JSON.stringify({ ...hold, status: 'held', orderId: undefined }),
    offsets.join(','),
    orderIdOf(hold),
    command.confirmedAtMs,
    ...offerSeeds(),
  ];
}

/** update-event-8.lua: the new definition, and the sales opened ('1'), closed ('0') or left as they are (''). */
export function updateEventArgs(update: EventUpdate): ScriptArg[] {
  const { spec, salesOpen } = update;
  return [JSON.stringify(spec), salesOpen === undefined ? '' : salesOpen ? '1' : '0'];
}

/** sweep-10.lua: at most `batch` due holds expired per call. */
export function sweepArgs(batch: number, time: number): ScriptArg[] {
  return [time, batch, ...offerSeeds()];
}

/** view-8.lua: the counts, and the log entries from `tailFrom` on ('' for none). */
export function viewArgs(tailFrom: string): ScriptArg[] {
  return [tailFrom];
}

/** seat-map-8.lua: the version of the map the caller holds, if any. */
export function seatMapArgs(knownVersion: string | undefined): ScriptArg[] {
  return [knownVersion ?? ''];
}

/** What waitlist-11.lua does: a join (with what it needs), a leave, or a look at the buyer's place. */
export type WaitlistCall =
  | {
      readonly mode: 'join';
      readonly request: WaitlistRequest;
      readonly entryId: string;
      readonly eventId: string;
      /** The units of the line's pool or section. */
      readonly capacity: number;
      readonly time: number;
    }
  | { readonly mode: 'leave'; readonly userId: string; readonly time: number }
  | { readonly mode: 'spot'; readonly userId: string };

/** waitlist-11.lua. */
export function waitlistArgs(call: WaitlistCall): ScriptArg[] {
  switch (call.mode) {
    case 'join': {
      const { request } = call;
      return [
        'join',
        request.userId,
        call.time,
        call.entryId,
        call.eventId,
        request.quantity,
        lineOf(request),
        call.capacity,
        WAITLIST_ENTRIES_PER_EVENT_MAX,
      ];
    }
    case 'leave':
      return ['leave', call.userId, call.time, '', '', 0, '', 0, 0];
    case 'spot':
      return ['spot', call.userId, 0, '', '', 0, '', 0, 0];
  }
}

/** The two random seeds of the ids of the offers a script may make (lua/offers.lua). */
function offerSeeds(): [string, string] {
  return [newOrderToken(), newOrderToken()];
}
