// Requests and notices between the main thread and the projection thread, over one MessagePort each way.
// A request is answered exactly once, by a value or by an error; arguments and answers are structured
// clones, so only plain data crosses (rows, log entries, counts), never functions. Errors cross as their
// name, message and own plain fields (a database error keeps its `code`), and are rebuilt on arrival.
// When the other side is gone (a crash), fail() rejects every request still waiting, and every later one.

/** The other side of a channel: a Worker seen from the main thread, or parentPort seen from the worker. */
export interface Port {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

type Message =
  | { readonly t: 'req'; readonly id: number; readonly kind: string; readonly args: readonly unknown[] }
  | { readonly t: 'ok'; readonly id: number; readonly value: unknown }
  | { readonly t: 'err'; readonly id: number; readonly error: SentError }
  | { readonly t: 'note'; readonly kind: string; readonly args: readonly unknown[] };

interface SentError {
  readonly name: string;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

type Handler = (...args: never[]) => unknown;

/**
 * Thrown to every caller once the other side of the channel has ended unexpectedly. Its SQLSTATE is
 * "connection failure", so a store call that meets it is answered as an outage (503 store_unavailable).
 */
export class ThreadGoneError extends Error {
  override readonly name = 'ThreadGoneError';
  readonly code = '08006';
}

export class ThreadChannel {
  readonly #port: Port;
  readonly #handlers = new Map<string, Handler>();
  readonly #waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  readonly #onNoticeError: (error: unknown) => void;
  #nextId = 1;
  #failed: Error | undefined;

  /** `onNoticeError`: a notice's handler failed (nobody waits for a notice's outcome). */
  constructor(port: Port, onNoticeError: (error: unknown) => void = () => {}) {
    this.#port = port;
    this.#onNoticeError = onNoticeError;
    port.on('message', (message) => this.#receive(message as Message));
  }

  /** Answers requests (and notices) of this kind; a handler's return value or thrown error is the answer. */
  handle(kind: string, handler: Handler): void {
    this.#handlers.set(kind, handler);
  }

  request<T>(kind: string, ...args: unknown[]): Promise<T> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#port.postMessage({ t: 'req', id, kind, args } satisfies Message);
    });
  }

  /** A message that needs no answer (the durable watermark, the projected count). */
  notify(kind: string, ...args: unknown[]): void {
    if (this.#failed === undefined) this.#port.postMessage({ t: 'note', kind, args } satisfies Message);
  }

  /** The other side is gone: every request waiting, and every later one, fails with `error`. */
  fail(error: Error): void {
    this.#failed ??= error;
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const waiter of waiting) waiter.reject(error);
  }

  #receive(message: Message): void {
    switch (message.t) {
      case 'req':
        void this.#answer(message.id, message.kind, message.args);
        return;
      case 'note':
        try {
          Promise.resolve(this.#call(message.kind, message.args)).catch(this.#onNoticeError);
        } catch (error) {
          this.#onNoticeError(error);
        }
        return;
      case 'ok':
        this.#settle(message.id)?.resolve(message.value);
        return;
      case 'err':
        this.#settle(message.id)?.reject(rebuild(message.error));
        return;
    }
  }

  async #answer(id: number, kind: string, args: readonly unknown[]): Promise<void> {
    let reply: Message;
    try {
      reply = { t: 'ok', id, value: await this.#call(kind, args) };
    } catch (error) {
      reply = { t: 'err', id, error: flatten(error) };
    }
    if (this.#failed === undefined) this.#port.postMessage(reply);
  }

  #call(kind: string, args: readonly unknown[]): unknown {
    const handler = this.#handlers.get(kind);
    if (handler === undefined)
      throw new Error(`No handler for "${kind}" on this side of the thread channel.`);
    return (handler as (...args: readonly unknown[]) => unknown)(...args);
  }

  #settle(id: number) {
    const waiter = this.#waiting.get(id);
    this.#waiting.delete(id);
    return waiter;
  }
}

function flatten(error: unknown): SentError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error))
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  return { name: error.name, message: error.message, fields };
}

function rebuild(sent: SentError): Error {
  const error = new Error(sent.message);
  Object.defineProperty(error, 'name', { value: sent.name, configurable: true, writable: true });
  Object.assign(error, sent.fields);
  return error;
}
