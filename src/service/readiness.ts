// Whether this instance can serve: the store answers a ping and the gate lists its events, both within
// READY_TIMEOUT_MS. Why not (an address, a driver's error) is thrown for the log, never for the caller.
import type { Gate } from '../gate/gate.js';
import type { Store } from '../store/store.js';

/** A store or gate that does not answer within this long is reported not ready. */
export const READY_TIMEOUT_MS = 2_000;

export interface ReadinessDeps {
  readonly gate: Pick<Gate, 'eventIds'>;
  readonly store: Pick<Store, 'ping'>;
}

export class Readiness {
  readonly #deps: ReadinessDeps;

  constructor(deps: ReadinessDeps) {
    this.#deps = deps;
  }

  /** Resolves when ready; rejects with the reason otherwise. */
  async check(): Promise<void> {
    await withTimeout(Promise.all([this.#deps.store.ping(), this.#deps.gate.eventIds()]), READY_TIMEOUT_MS);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
