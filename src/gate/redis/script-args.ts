// The arguments of the gate scripts, in the order each script's header lists them (lua/*.lua).
import { fingerprintOf, type HoldTarget } from '../../domain/hold-request.js';
import { newHoldId, newOrderToken, orderIdOf } from '../../domain/ids.js';
import { LATE_CONFIRM_MEMORY_MS } from '../../domain/limits.js';
import type { Hold } from '../../domain/types.js';
import type { CancelCommand, Payment, PlaceCommand } from '../gate.js';
import type { IdempotencyLimits } from '../memory/idempotency-book.js';
import { RESTOCK_CHANNEL } from './keys.js';
import type { EventLayout } from './layout.js';
import type { ScriptArg } from './scripts.js';

/** place.lua's ARGV for one placement; `time` is 0 to decide on Redis's clock. */
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

function targetArgs(layout: EventLayout, target: HoldTarget): ScriptArg[] {
  switch (target.kind) {
    case 'pool': {
      const pool = layout.spec.pools.find((p) => p.id === target.poolId);
      return ['pool', target.quantity, target.poolId, pool?.capacity ?? -1, pool?.price ?? 0];
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
      const args: ScriptArg[] = ['seats', target.seatIds.length, target.seatIds.length];
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

/** confirm.lua's payment arguments. */
export function paymentArgs(payment: Payment): ScriptArg[] {
  return [payment.amount ?? -1, payment.reference ?? '', LATE_CONFIRM_MEMORY_MS];
}

/** confirm.lua's ARGV for a late payment of a hold that ended as expired: the hold, its seats and pools. */
export function confirmExpiredArgs(
  hold: Hold,
  payment: Payment,
  layout: EventLayout,
  time: number,
): ScriptArg[] {
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
    'expired',
    ...paymentArgs(payment),
    held,
    layout.spec.maxPerUser,
    offsets.join(','),
    ...pools,
  ];
}

/** cancel-order.lua's ARGV; undefined when a seat of the hold is not in the event's layout. */
export function cancelArgs(
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
    RESTOCK_CHANNEL,
  ];
}

/** The two random seeds of the ids of the offers a script may make (lua/offers.lua). */
export function offerSeeds(): [string, string] {
  return [newOrderToken(), newOrderToken()];
}
