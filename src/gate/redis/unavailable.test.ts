import { describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/errors.js';
import type { Gate } from '../gate.js';
import { isUnreachable, withUnavailableErrors } from './unavailable.js';

function failingGate(error: unknown): Gate {
  const fail = () => Promise.reject(error);
  return {
    createEvent: fail,
    placeHold: fail,
    knowsSoldOut: () => false,
    confirmHold: fail,
    releaseHold: fail,
    cancelOrder: fail,
    updateEvent: fail,
    extendHold: fail,
    confirmPaid: fail,
    confirmExpired: fail,
    sweepExpired: fail,
    getHold: fail,
    eventState: fail,
    seatStates: fail,
    seatMap: fail,
    eventIds: fail,
    joinWaitlist: fail,
    leaveWaitlist: fail,
    waitlistSpot: fail,
  };
}

const replyError = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });

describe('faults inside the Redis gate, classified by source', () => {
  it('reports Redis not answering as gate_unavailable', async () => {
    for (const error of [
      new Error('Connection is closed.'),
      new Error('Command timed out'),
      Object.assign(new Error('Reached the max retries per request limit'), {
        name: 'MaxRetriesPerRequestError',
      }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }),
      replyError('LOADING Redis is loading the dataset in memory'),
    ]) {
      expect(isUnreachable(error), error.message).toBe(true);
      await expect(withUnavailableErrors(failingGate(error)).eventIds()).rejects.toMatchObject({
        code: 'gate_unavailable',
      });
    }
  });

  it('passes the store being unreachable (from a rebuild) and refusals through as they are', async () => {
    for (const error of [new DomainError('store_unavailable'), new DomainError('event_needs_reconcile')]) {
      await expect(withUnavailableErrors(failingGate(error)).placeHold({} as never)).rejects.toBe(error);
    }
  });

  it('leaves a bug or a script error a fault (500), never "Redis did not answer"', async () => {
    for (const error of [
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      replyError('ERR user_script:12: attempt to compare nil with number'),
      new Error('The gate script answered an unknown code: surprise'),
    ]) {
      expect(isUnreachable(error), error.message).toBe(false);
      await expect(withUnavailableErrors(failingGate(error)).confirmHold('h', 0)).rejects.toBe(error);
    }
  });
});
