// Turns a failure to reach Redis into the stable 503 `gate_unavailable`. A script's own error (a bug) stays
// what it is, a 500; so does anything that is not about reaching Redis.
import { DomainError } from '../../domain/errors.js';
import type { Gate } from '../gate.js';

const TRANSIENT_REPLIES = ['LOADING', 'CLUSTERDOWN', 'TRYAGAIN', 'MASTERDOWN', 'READONLY', 'BUSY'];

export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof DomainError) return false;
  if (error.name === 'ReplyError')
    return TRANSIENT_REPLIES.some((prefix) => error.message.startsWith(prefix));
  return true;
}

function translated(error: unknown): unknown {
  if (!isUnreachable(error)) return error;
  return new DomainError('gate_unavailable', `Redis did not answer: ${(error as Error).message}. Retry.`);
}

/** The same gate, with unreachable-Redis failures thrown as DomainError('gate_unavailable'). */
export function withUnavailableErrors(gate: Gate): Gate {
  const guard =
    <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      method.apply(gate, args).catch((error: unknown) => {
        throw translated(error);
      });
  return {
    createEvent: guard(gate.createEvent),
    placeHold: guard(gate.placeHold),
    confirmHold: guard(gate.confirmHold),
    releaseHold: guard(gate.releaseHold),
    sweepExpired: guard(gate.sweepExpired),
    getHold: guard(gate.getHold),
    eventState: guard(gate.eventState),
    seatStates: guard(gate.seatStates),
    seatMap: guard(gate.seatMap),
    eventIds: guard(gate.eventIds),
  };
}
