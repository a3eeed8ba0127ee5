// One EVALSHA per event per turn of the event loop: the placements of an event asked for in one turn (every
// request read together) go to Redis in one call of place-batch-11.lua, which decides each as place-11.lua would,
// atomically and in the order asked, and answers each on its own. That saves the API process a command and
// a socket write per placement, and Redis a command's dispatch, at the cost of holding the first placement
// of a turn until the turn ends (setImmediate), as the embedded group commit does.
import type { Reply } from './replies.js';
import { placeBatchArgs } from './script-args.js';
import type { ScriptArg } from './scripts.js';

/** Placements per call at most: a call of 64 keeps Redis busy ~3 ms at most (~40 µs each), and its arguments short. */
export const PLACE_BATCH_MAX = 64;

type Send = (keys: readonly string[], args: readonly ScriptArg[]) => Promise<unknown>;

interface Waiting {
  readonly args: readonly ScriptArg[];
  resolve(reply: Reply): void;
  reject(error: unknown): void;
}

interface Queue {
  readonly keys: readonly string[];
  readonly waiting: Waiting[];
}

/** A placement's own script error inside a batch: named as ioredis names a script's error reply. */
class PlacementError extends Error {
  override readonly name = 'ReplyError';
}

export class PlaceBatcher {
  readonly #call: Send;
  #queues = new Map<string, Queue>();
  #scheduled = false;

  /** `send`: place-batch-11.lua. */
  constructor(send: Send) {
    this.#call = send;
  }

  /** place-11.lua's reply to this placement (`keys` and `args` as place-11.lua takes them). */
  place(eventId: string, keys: readonly string[], args: readonly ScriptArg[]): Promise<Reply> {
    return new Promise((resolve, reject) => {
      let queue = this.#queues.get(eventId);
      if (queue === undefined) {
        queue = { keys, waiting: [] };
        this.#queues.set(eventId, queue);
      }
      queue.waiting.push({ args, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // setImmediate, not a microtask: every request already read in this turn joins the call.
      setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const queues = this.#queues;
    this.#queues = new Map();
    for (const { keys, waiting } of queues.values()) {
      for (let i = 0; i < waiting.length; i += PLACE_BATCH_MAX)
        this.#send(keys, waiting.length <= PLACE_BATCH_MAX ? waiting : waiting.slice(i, i + PLACE_BATCH_MAX));
    }
  }

  /** Always place-batch-11.lua, one placement or many: one code path, the one every gate suite exercises. */
  #send(keys: readonly string[], batch: readonly Waiting[]): void {
    this.#call(keys, placeBatchArgs(batch.map((waiting) => waiting.args))).then(
      (replies) => {
        batch.forEach((waiting, i) => {
          const reply = (replies as readonly Reply[])[i];
          if (reply === undefined) waiting.reject(new Error('place-batch-11.lua answered too few replies.'));
          else if (reply[0] === 'error') waiting.reject(new PlacementError(String(reply[1])));
          else waiting.resolve(reply);
        });
      },
      (error: unknown) => {
        for (const waiting of batch) waiting.reject(error);
      },
    );
  }
}
