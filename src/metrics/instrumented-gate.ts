// A Gate that times every call of the gate it wraps into boxoffice_gate_call_duration_seconds{operation},
// where operation is the Gate method's name. A call is timed until its promise settles: the decision, not
// the `durable` promise the decision carries (commit durations have their own histograms).
//
// Hot path: each method's recorder is made once here, so a call costs two performance.now() readings, one
// FixedHistogram observation and one extra await, with no closure or label lookup per call: measured at
// 0.05-0.2 µs on top of a memory gate's ~2 µs placeHold.
import type { Rejection } from '../domain/errors.js';
import type { EventSpec, EventState, Hold, HoldRequest, SeatState } from '../domain/types.js';
import type { WaitlistSpot } from '../domain/waitlist.js';
import type {
  CancelCommand,
  Cancelled,
  Confirmed,
  EventUpdate,
  Extended,
  Gate,
  JoinWaitlistCommand,
  Payment,
  PlaceCommand,
  PlaceOutcome,
  Released,
  SeatMap,
  Swept,
  WaitlistJoined,
  WaitlistLeft,
} from '../gate/gate.js';
import type { Metrics } from './metrics.js';

type Recorder = (seconds: number) => void;

export function instrumentGate(gate: Gate, metrics: Pick<Metrics, 'gateCallRecorder'>): Gate {
  return new InstrumentedGate(gate, metrics);
}

class InstrumentedGate implements Gate {
  readonly #gate: Gate;
  readonly #createEvent: Recorder;
  readonly #placeHold: Recorder;
  readonly #confirmHold: Recorder;
  readonly #releaseHold: Recorder;
  readonly #cancelOrder: Recorder;
  readonly #updateEvent: Recorder;
  readonly #extendHold: Recorder;
  readonly #confirmPaid: Recorder;
  readonly #confirmExpired: Recorder;
  readonly #sweepExpired: Recorder;
  readonly #getHold: Recorder;
  readonly #eventState: Recorder;
  readonly #seatStates: Recorder;
  readonly #seatMap: Recorder;
  readonly #eventIds: Recorder;
  readonly #joinWaitlist: Recorder;
  readonly #leaveWaitlist: Recorder;
  readonly #waitlistSpot: Recorder;

  constructor(gate: Gate, metrics: Pick<Metrics, 'gateCallRecorder'>) {
    this.#gate = gate;
    this.#createEvent = metrics.gateCallRecorder('createEvent');
    this.#placeHold = metrics.gateCallRecorder('placeHold');
    this.#confirmHold = metrics.gateCallRecorder('confirmHold');
    this.#releaseHold = metrics.gateCallRecorder('releaseHold');
    this.#cancelOrder = metrics.gateCallRecorder('cancelOrder');
    this.#updateEvent = metrics.gateCallRecorder('updateEvent');
    this.#extendHold = metrics.gateCallRecorder('extendHold');
    this.#confirmPaid = metrics.gateCallRecorder('confirmPaid');
    this.#confirmExpired = metrics.gateCallRecorder('confirmExpired');
    this.#sweepExpired = metrics.gateCallRecorder('sweepExpired');
    this.#getHold = metrics.gateCallRecorder('getHold');
    this.#eventState = metrics.gateCallRecorder('eventState');
    this.#seatStates = metrics.gateCallRecorder('seatStates');
    this.#seatMap = metrics.gateCallRecorder('seatMap');
    this.#eventIds = metrics.gateCallRecorder('eventIds');
    this.#joinWaitlist = metrics.gateCallRecorder('joinWaitlist');
    this.#leaveWaitlist = metrics.gateCallRecorder('leaveWaitlist');
    this.#waitlistSpot = metrics.gateCallRecorder('waitlistSpot');
  }

  createEvent(spec: EventSpec): Promise<boolean> {
    const startedMs = performance.now();
    return timed(this.#createEvent, startedMs, this.#gate.createEvent(spec));
  }

  placeHold(command: PlaceCommand): Promise<PlaceOutcome> {
    const startedMs = performance.now();
    return timed(this.#placeHold, startedMs, this.#gate.placeHold(command));
  }

  /** Not timed: it does no I/O, and it runs on every refusal the routes answer early. */
  knowsSoldOut(eventId: string, request: HoldRequest): boolean {
    return this.#gate.knowsSoldOut(eventId, request);
  }

  extendHold(holdId: string, seconds: number, nowMs: number): Promise<Extended | Rejection> {
    const startedMs = performance.now();
    return timed(this.#extendHold, startedMs, this.#gate.extendHold(holdId, seconds, nowMs));
  }

  confirmPaid(holdId: string, payment: Payment, nowMs: number): Promise<Confirmed | Rejection> {
    const startedMs = performance.now();
    return timed(this.#confirmPaid, startedMs, this.#gate.confirmPaid(holdId, payment, nowMs));
  }

  confirmExpired(hold: Hold, payment: Payment, nowMs: number): Promise<Confirmed | Rejection> {
    const startedMs = performance.now();
    return timed(this.#confirmExpired, startedMs, this.#gate.confirmExpired(hold, payment, nowMs));
  }

  confirmHold(holdId: string, nowMs: number): Promise<Confirmed | Rejection> {
    const startedMs = performance.now();
    return timed(this.#confirmHold, startedMs, this.#gate.confirmHold(holdId, nowMs));
  }

  releaseHold(holdId: string, nowMs: number): Promise<Released | Rejection> {
    const startedMs = performance.now();
    return timed(this.#releaseHold, startedMs, this.#gate.releaseHold(holdId, nowMs));
  }

  cancelOrder(command: CancelCommand): Promise<Cancelled | Rejection> {
    const startedMs = performance.now();
    return timed(this.#cancelOrder, startedMs, this.#gate.cancelOrder(command));
  }

  updateEvent(update: EventUpdate): Promise<boolean> {
    const startedMs = performance.now();
    return timed(this.#updateEvent, startedMs, this.#gate.updateEvent(update));
  }

  sweepExpired(nowMs: number): Promise<Swept> {
    const startedMs = performance.now();
    return timed(this.#sweepExpired, startedMs, this.#gate.sweepExpired(nowMs));
  }

  getHold(holdId: string): Promise<Hold | undefined> {
    const startedMs = performance.now();
    return timed(this.#getHold, startedMs, this.#gate.getHold(holdId));
  }

  eventState(eventId: string): Promise<EventState | undefined> {
    const startedMs = performance.now();
    return timed(this.#eventState, startedMs, this.#gate.eventState(eventId));
  }

  seatStates(eventId: string, sectionId?: string): Promise<SeatState[] | undefined> {
    const startedMs = performance.now();
    return timed(this.#seatStates, startedMs, this.#gate.seatStates(eventId, sectionId));
  }

  seatMap(eventId: string): Promise<SeatMap | undefined> {
    const startedMs = performance.now();
    return timed(this.#seatMap, startedMs, this.#gate.seatMap(eventId));
  }

  eventIds(): Promise<string[]> {
    const startedMs = performance.now();
    return timed(this.#eventIds, startedMs, this.#gate.eventIds());
  }

  joinWaitlist(command: JoinWaitlistCommand): Promise<WaitlistJoined | Rejection> {
    const startedMs = performance.now();
    return timed(this.#joinWaitlist, startedMs, this.#gate.joinWaitlist(command));
  }

  leaveWaitlist(eventId: string, userId: string, nowMs: number): Promise<WaitlistLeft | Rejection> {
    const startedMs = performance.now();
    return timed(this.#leaveWaitlist, startedMs, this.#gate.leaveWaitlist(eventId, userId, nowMs));
  }

  waitlistSpot(eventId: string, userId: string): Promise<WaitlistSpot | undefined> {
    const startedMs = performance.now();
    return timed(this.#waitlistSpot, startedMs, this.#gate.waitlistSpot(eventId, userId));
  }
}

/** Settles like `call`; records the time from startedMs until then, failed calls included. */
async function timed<T>(record: Recorder, startedMs: number, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } finally {
    record((performance.now() - startedMs) / 1000);
  }
}
