// What one answer means for the run. Refusals the API promises under contention (sold out, a seat taken,
// the per-user limit, a hold that ended) are expected outcomes; anything else that is not a 2xx — a 5xx, a
// socket error, a 400 that says the tool itself sent nonsense — is an error and fails the run.
import { errorCodeOf, type HttpAnswer } from './http-target.js';

export type OutcomeClass = 'ok' | 'refused' | 'error';

export interface Outcome {
  /** Stable key of the report's breakdown: `201`, `409 sold_out`, `network ECONNRESET`. */
  readonly key: string;
  readonly class: OutcomeClass;
  /** The error code of a refusal, when the body had one. */
  readonly code: string | undefined;
}

export const EXPECTED_REFUSALS: ReadonlySet<string> = new Set([
  'sold_out',
  'seat_unavailable',
  'limit_exceeded',
  'hold_expired',
  'hold_released',
  'hold_confirmed',
]);

export function outcomeOf(answer: HttpAnswer): Outcome {
  if (answer.kind === 'failure') return { key: `network ${answer.error}`, class: 'error', code: undefined };
  const code = errorCodeOf(answer.body);
  const key = code === undefined ? String(answer.status) : `${answer.status} ${code}`;
  if (answer.status >= 200 && answer.status < 300) return { key, class: 'ok', code };
  const expected =
    answer.status >= 400 && answer.status < 500 && code !== undefined && EXPECTED_REFUSALS.has(code);
  return { key, class: expected ? 'refused' : 'error', code };
}
