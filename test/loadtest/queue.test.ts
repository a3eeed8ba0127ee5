// `boxoffice bench queue`: the admission checker on its own, fed fabricated sequences (a correct one passes,
// each broken rule is found), and the scenario end to end against its own private server, short and bounded.
// No assertion is about speed.
import { describe, expect, it } from 'vitest';
import { type LoadTestIo, runLoadTest } from '../../tools/loadtest/load-test.js';
import { parseLoadTestArgs } from '../../tools/loadtest/options.js';
import { type BuyerObservation, checkAdmissions } from '../../tools/loadtest/queue/admission-check.js';
import type { LoadTestReport } from '../../tools/loadtest/report.js';

const RULES = { maxActive: 4, passMinutes: 1 };
const PASS_MS = 60_000;

/** A buyer who joined at `joinMs` (answered 1 ms later) and was admitted at each of `admittedAtMs`. */
function buyer(
  buyerId: string,
  joinMs: number,
  joinedBeforeStart: boolean,
  ...admittedAtMs: number[]
): BuyerObservation {
  return {
    buyerId,
    joinSentMs: joinMs,
    joinAnsweredMs: joinMs + 1,
    joinedBeforeStart,
    passExpiriesMs: admittedAtMs.map((at) => at + PASS_MS),
  };
}

/** Two early joiners admitted in the drawn order, then three late ones in their join order. */
const FAIR: BuyerObservation[] = [
  buyer('e1', 0, true, 1_000),
  buyer('e2', 5, true, 1_000),
  buyer('l1', 1_100, false, 1_250),
  buyer('l2', 1_200, false, 1_500),
  buyer('l3', 1_300, false),
];

describe('the admission checker', () => {
  it('passes a sequence that follows the rules', () => {
    const findings = checkAdmissions(FAIR, RULES);
    expect(findings.problems).toEqual([]);
    expect(findings).toMatchObject({ admitted: 4, mostActive: 4 });
  });

  it('finds a buyer admitted twice, by two passes or by two places', () => {
    const twoPasses = [...FAIR.slice(0, 4), buyer('l3', 1_300, false, 1_500, 1_750)];
    expect(checkAdmissions(twoPasses, { ...RULES, maxActive: 10 }).problems).toEqual([
      expect.stringMatching(/1 admitted twice.*: l3$/),
    ]);
    const twoPlaces = [...FAIR, buyer('e1', 10, true)];
    expect(checkAdmissions(twoPlaces, { ...RULES, maxActive: 10 }).problems).toEqual([
      expect.stringMatching(/admitted twice.*: e1$/),
    ]);
  });

  it('finds more valid passes at once than maxActive, and frees a slot when a pass expires', () => {
    expect(checkAdmissions(FAIR, { ...RULES, maxActive: 3 }).problems).toEqual([
      '4 passes were valid at once, above maxActive 3',
    ]);
    // l2 admitted exactly when e1's and e2's passes expire: never more than 2 at once.
    const expiring = [FAIR[0], FAIR[1], buyer('l2', 1_200, false, 1_000 + PASS_MS)] as BuyerObservation[];
    expect(checkAdmissions(expiring, { ...RULES, maxActive: 2 }).problems).toEqual([]);
  });

  it('finds a late joiner admitted before an early one', () => {
    const jumped = [buyer('e1', 0, true, 2_000), buyer('l1', 1_100, false, 1_500)];
    expect(checkAdmissions(jumped, { ...RULES, maxActive: 10 }).problems).toEqual([
      expect.stringMatching(/joined after the start but admitted before an early joiner: l1 before e1$/),
    ]);
  });

  it('finds late joiners admitted out of join order, but not those whose joins overlapped', () => {
    const overtaken = [buyer('l1', 1_100, false, 1_500), buyer('l2', 1_200, false, 1_250)];
    expect(checkAdmissions(overtaken, { ...RULES, maxActive: 10 }).problems).toEqual([
      expect.stringMatching(/out of join order.*: l2 before l1$/),
    ]);
    // l2 was sent before l1's join was answered: the server may have taken either first.
    const overlapping = [buyer('l1', 1_100, false, 1_500), buyer('l2', 1_100, false, 1_250)];
    expect(checkAdmissions(overlapping, { ...RULES, maxActive: 10 }).problems).toEqual([]);
  });
});

describe('the queue scenario flags', () => {
  it('defaults maxActive to the buyers, and keeps its flags to itself', () => {
    const options = parseLoadTestArgs('queue', ['--users', '40'], {});
    expect(options).toMatchObject({ users: 40, queue: { maxActive: 40, admitPerMinute: 6_000 } });
    expect(() => parseLoadTestArgs('mix', ['--max-active', '3'], {})).toThrow(/belongs to the queue/);
    expect(() => parseLoadTestArgs('queue', ['--capacity', '0'], {})).toThrow(/pool/);
    expect(() => parseLoadTestArgs('queue', ['--users', '100001'], {})).toThrow(/at most 100000/);
  });
});

function jsonIo(): LoadTestIo & { stdout: { text: string }; stderr: { text: string } } {
  const sink = () => ({
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  });
  return { stdout: sink(), stderr: sink(), env: {} };
}

async function runQueue(args: string[]): Promise<{ code: number; report: LoadTestReport }> {
  const io = jsonIo();
  const code = await runLoadTest('queue', [...args, '--json', '--connections', '16'], io);
  // A run that failed before its report says why on stderr: the failure shows it.
  expect(io.stdout.text, `exit ${code}, stderr:\n${io.stderr.text}`).not.toBe('');
  return { code, report: JSON.parse(io.stdout.text) as LoadTestReport };
}

describe('bench queue against its private server', () => {
  it('admits every buyer, early joiners first, and they buy with their passes', async () => {
    const { code, report } = await runQueue(['--users', '50', '--start-delay', '3', '--duration', '30']);
    expect(report.verdict.problems).toEqual([]);
    expect(code).toBe(0);
    expect(report.stopReason).toBe('buyers served');
    expect(report.queue).toMatchObject({ buyers: 50, joined: 50, joinedBeforeStart: 25, admitted: 50 });
    expect(report.queue?.lastStates).toEqual({ admitted: 50 });
    expect(report.outcomes.hold).toEqual({ '201': 50 });
    expect(report.outcomes.confirm).toEqual({ '201': 50 });
  }, 60_000);

  it('never admits more than maxActive; the rest wait until the deadline', async () => {
    const { code, report } = await runQueue([
      '--users',
      '30',
      '--max-active',
      '10',
      '--start-delay',
      '1',
      '--duration',
      '4',
    ]);
    expect(report.verdict.problems).toEqual([]);
    expect(code).toBe(0);
    expect(report.stopReason).toBe('duration');
    expect(report.queue).toMatchObject({ admitted: 10, mostActive: 10 });
    expect(report.queue?.lastStates).toEqual({ admitted: 10, waiting: 20 });
  }, 60_000);
});
