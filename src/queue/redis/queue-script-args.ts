// The arguments of the waiting room's scripts, one builder per script, in the order each script's header
// lists them; the scripts check the number they get (check_args, gate/redis/lua/shared.lua).
import type { ScriptArg } from '../../gate/redis/scripts.js';

/** join-6.lua: buyer, draw, now (0: Redis TIME), rate window ms. */
export function joinArgs(buyerId: string, draw: number, nowMs: number, windowMs: number): ScriptArg[] {
  return [buyerId, draw.toString(), nowMs, windowMs];
}

/** standings-6.lua: now (0: Redis TIME), rate window ms, then the buyers after their count. */
export function standingsArgs(buyerIds: readonly string[], nowMs: number, windowMs: number): ScriptArg[] {
  return [nowMs, windowMs, buyerIds.length, ...buyerIds];
}

/** What admit-7.lua is given besides the time: the gate's stock, the room's bounds and the event. */
export interface AdmitInput {
  readonly available: number;
  readonly held: number;
  readonly salesOpen: boolean;
  readonly abandonAfterMs: number;
  readonly windowMs: number;
  readonly stepMax: number;
  readonly passesPerAvailable: number;
  readonly burstSeconds: number;
  readonly eventId: string;
}

/** admit-7.lua: its ten arguments, in its header's order. */
export function admitArgs(input: AdmitInput, nowMs: number): ScriptArg[] {
  return [
    nowMs,
    input.available,
    input.held,
    input.salesOpen ? 1 : 0,
    input.abandonAfterMs,
    input.windowMs,
    input.stepMax,
    input.passesPerAvailable,
    input.burstSeconds,
    input.eventId,
  ];
}
