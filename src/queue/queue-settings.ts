// An event's queue as HTTP and the store carry it (ISO 8601 times) and as the waiting room keeps it (ms),
// with the rules the request schema cannot check: times that parse and a start no earlier than the opening.
import { type Rejection, reject } from '../domain/errors.js';
import type { QueueSettings } from './waiting-room.js';

export interface QueueSpec {
  readonly opensAt: string;
  readonly salesStartAt: string;
  readonly admitPerMinute: number;
  readonly passMinutes: number;
  readonly maxActive: number;
  readonly paused?: boolean;
}

export type QueueChange = Partial<QueueSpec>;

/** The settings after a change (or from a full spec when there were none), or why not. */
export function settingsOf(change: QueueChange, current?: QueueSettings): QueueSettings | Rejection {
  const opensAtMs = change.opensAt === undefined ? current?.opensAtMs : Date.parse(change.opensAt);
  const salesStartAtMs =
    change.salesStartAt === undefined ? current?.salesStartAtMs : Date.parse(change.salesStartAt);
  const admitPerMinute = change.admitPerMinute ?? current?.admitPerMinute;
  const passMinutes = change.passMinutes ?? current?.passMinutes;
  const maxActive = change.maxActive ?? current?.maxActive;
  if (
    opensAtMs === undefined ||
    salesStartAtMs === undefined ||
    admitPerMinute === undefined ||
    passMinutes === undefined ||
    maxActive === undefined
  )
    return reject(
      'invalid_request',
      'This event has no queue yet: give opensAt, salesStartAt, admitPerMinute, passMinutes and maxActive.',
    );
  if (Number.isNaN(opensAtMs) || Number.isNaN(salesStartAtMs))
    return reject('invalid_request', 'opensAt and salesStartAt must be ISO 8601 date-times.');
  if (salesStartAtMs < opensAtMs)
    return reject('invalid_request', 'salesStartAt must not be before opensAt.');
  const paused = change.paused ?? current?.paused ?? false;
  return { opensAtMs, salesStartAtMs, admitPerMinute, passMinutes, maxActive, paused };
}

export function specOf(settings: QueueSettings): Required<QueueSpec> {
  return {
    opensAt: new Date(settings.opensAtMs).toISOString(),
    salesStartAt: new Date(settings.salesStartAtMs).toISOString(),
    admitPerMinute: settings.admitPerMinute,
    passMinutes: settings.passMinutes,
    maxActive: settings.maxActive,
    paused: settings.paused,
  };
}
