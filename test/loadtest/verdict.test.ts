// The verdict: what in an audit, a tally or a run makes `boxoffice bench` exit 1.
import { describe, expect, it } from 'vitest';
import { createdLayout } from '../../tools/loadtest/event-layout.js';
import { type AcceptedHold, Tally } from '../../tools/loadtest/tally.js';
import { checkTally } from '../../tools/loadtest/tally-check.js';
import { auditProblems, verdictOf } from '../../tools/loadtest/verdict.js';

const CONSISTENT = {
  capacity: 10,
  gate: { available: 4, held: 2, sold: 4 },
  store: { tickets: 4, orders: 2 },
  drift: { sold: 0, held: 0 },
  oversold: 0,
  doubleBooked: 0,
  phantom: 0,
  unprojected: 0,
  consistent: true,
};

describe('audit verdict', () => {
  it('passes a consistent audit', () => {
    expect(auditProblems(CONSISTENT)).toEqual([]);
    expect(verdictOf({ run: [], tally: [], audit: auditProblems(CONSISTENT) })).toEqual({
      passed: true,
      problems: [],
    });
  });

  it('fails on each kind of damage the audit reports', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ consistent: false, drift: { sold: 1, held: 0 } }, /consistent is false.*"sold":1/],
      [{ oversold: 2 }, /oversold is 2/],
      [{ doubleBooked: 1 }, /doubleBooked is 1/],
      [{ phantom: 3 }, /phantom is 3/],
      [{ oversold: undefined }, /oversold is missing/],
    ];
    for (const [damage, message] of cases) {
      const problems = auditProblems({ ...CONSISTENT, ...damage });
      expect(problems.join('\n')).toMatch(message);
      expect(verdictOf({ run: [], tally: [], audit: problems }).passed).toBe(false);
    }
  });

  it('fails when there is no audit to read, or the run or the tally found a problem', () => {
    expect(auditProblems('<html>Bad gateway</html>')).toEqual(['the audit did not answer with a report']);
    expect(verdictOf({ run: ['3 requests failed'], tally: [], audit: [] }).passed).toBe(false);
    expect(verdictOf({ run: [], tally: ['seat S1-1-1 was accepted twice'], audit: [] }).passed).toBe(false);
  });
});

function hold(id: string, items: AcceptedHold['items'], sentAtMs: number, ttlMs = 60_000): AcceptedHold {
  return { id, items, sentAtMs, receivedAtMs: sentAtMs + 5, ttlMs, ending: undefined };
}

describe('client tally', () => {
  const layout = createdLayout('ev', 4, 5, 60);

  it('accepts a seat held again after its first hold was released or had expired', () => {
    const tally = new Tally();
    tally.holdAccepted(hold('a', [{ seatId: 'S1-1-1', quantity: 1 }], 0));
    tally.released('a', 100);
    tally.holdAccepted(hold('b', [{ seatId: 'S1-1-1', quantity: 1 }], 200, 1_000));
    tally.holdAccepted(hold('c', [{ seatId: 'S1-1-1', quantity: 1 }], 1_300));
    tally.confirmed({ orderId: 'o.c', holdId: 'c', tickets: [{ id: 't1', seatId: 'S1-1-1' }] });
    const checked = checkTally(tally, layout);
    expect(checked.problems).toEqual([]);
    expect(checked.summary).toMatchObject({
      acceptedHolds: 3,
      confirmedTickets: 1,
      releasedHolds: 1,
      peakClaimedUnits: 1,
    });
  });

  it('finds a seat accepted twice, stock beyond a pool, and a seat sold twice', () => {
    const tally = new Tally();
    tally.holdAccepted(hold('a', [{ seatId: 'S1-1-1', quantity: 1 }], 0));
    tally.holdAccepted(hold('b', [{ seatId: 'S1-1-1', quantity: 1 }], 10));
    tally.holdAccepted(hold('p1', [{ poolId: 'ga', quantity: 4 }], 20));
    tally.holdAccepted(hold('p2', [{ poolId: 'ga', quantity: 2 }], 30));
    tally.confirmed({ orderId: 'o.a', holdId: 'a', tickets: [{ id: 't1', seatId: 'S1-1-1' }] });
    tally.confirmed({ orderId: 'o.b', holdId: 'b', tickets: [{ id: 't2', seatId: 'S1-1-1' }] });
    const problems = checkTally(tally, layout).problems.join('\n');
    expect(problems).toMatch(/seat S1-1-1 was accepted twice at once: holds a and b/);
    expect(problems).toMatch(/pool ga: accepted holds claimed 6 at once; its capacity is 5/);
    expect(problems).toMatch(/seat S1-1-1 was sold twice: o.a and o.b/);
  });

  it('finds a retry with the same Idempotency-Key that got a second hold, and duplicate tickets', () => {
    const tally = new Tally();
    const first = hold('a', [{ poolId: 'ga', quantity: 1 }], 0);
    tally.holdAccepted(first);
    tally.retryAnswered('a', first);
    tally.retryAnswered('a', hold('a2', [{ poolId: 'ga', quantity: 1 }], 10));
    tally.confirmed({ orderId: 'o.a', holdId: 'a', tickets: [{ id: 't1', poolId: 'ga' }] });
    tally.confirmed({ orderId: 'o.a2', holdId: 'a2', tickets: [{ id: 't1', poolId: 'ga' }] });
    const checked = checkTally(tally, layout);
    expect(checked.summary.idempotentRetries).toBe(2);
    expect(checked.problems.join('\n')).toMatch(
      /a retry of hold a with its Idempotency-Key got another hold, a2/,
    );
    expect(checked.problems.join('\n')).toMatch(/ticket t1 appears in two orders/);
  });
});
