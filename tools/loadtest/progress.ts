// The progress line on stderr: requests done, rate, errors and the time left. On a terminal it is one line
// rewritten in place a few times a second; in a log (CI, a pipe) a plain line every few seconds instead,
// so that the log stays readable.
import type { Totals } from './recorder.js';

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressSnapshot {
  readonly label: string;
  readonly totals: Totals;
  readonly elapsedMs: number;
  readonly requestsMax: number;
  readonly durationMs: number;
}

const TERMINAL_REFRESH_MS = 250;
const LOG_REFRESH_MS = 5_000;
/** Erases from the cursor to the end of the line: a shorter line must not leave the end of a longer one. */
const CLEAR_TO_END = '\x1b[K';

export function progressLine(snapshot: ProgressSnapshot): string {
  const { totals, elapsedMs, requestsMax, durationMs } = snapshot;
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? totals.requests / seconds : 0;
  // Whichever bound comes first ends the run (a sell-out may end it sooner still).
  const byTimeSeconds = Math.max(0, (durationMs - elapsedMs) / 1000);
  const byCountSeconds = rate > 0 ? (requestsMax - totals.requests) / rate : Number.POSITIVE_INFINITY;
  const etaSeconds = Math.ceil(Math.min(byTimeSeconds, byCountSeconds));
  return (
    `${snapshot.label}: ${totals.requests.toLocaleString('en-US')}/${requestsMax.toLocaleString('en-US')} requests, ` +
    `${Math.round(rate).toLocaleString('en-US')} req/s, ${totals.refused.toLocaleString('en-US')} refused, ` +
    `${totals.errors.toLocaleString('en-US')} errors, ${seconds.toFixed(0)} s, ETA ${etaSeconds} s`
  );
}

export class Progress {
  readonly #stream: ProgressStream;
  readonly #snapshot: () => ProgressSnapshot;
  #timer: NodeJS.Timeout | undefined;

  constructor(stream: ProgressStream, snapshot: () => ProgressSnapshot) {
    this.#stream = stream;
    this.#snapshot = snapshot;
  }

  start(): void {
    const terminal = this.#stream.isTTY === true;
    this.#timer = setInterval(() => this.#draw(), terminal ? TERMINAL_REFRESH_MS : LOG_REFRESH_MS);
    this.#timer.unref();
  }

  /** Draws the final figures and leaves the cursor on a fresh line. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#draw();
    if (this.#stream.isTTY === true) this.#stream.write('\n');
  }

  #draw(): void {
    const line = progressLine(this.#snapshot());
    this.#stream.write(this.#stream.isTTY === true ? `\r${line}${CLEAR_TO_END}` : `${line}\n`);
  }
}
