// One attempt to post a message to an endpoint: bounded in time (a timeout for the whole attempt) and in
// what is read back (the response body is drained up to a few KiB, then the connection is dropped), never
// following redirects, and connecting only to addresses the SSRF guard allows.
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { parseRetryAfter } from './retry-schedule.js';
import type { WebhookHeaders } from './signing.js';
import { guardedLookup, hostOf, isInwardAddress, urlShapeRefusal } from './ssrf-guard.js';

/** Read of the response body at most (it is not kept: only its status matters). */
export const RESPONSE_BYTES_MAX = 4096;

export interface SendResult {
  /** The HTTP status, when the endpoint answered. */
  readonly status?: number;
  /** Why there was no answer (timeout, refused connection, refused address). */
  readonly error?: string;
  readonly retryAfterMs?: number;
  readonly durationMs: number;
}

export interface SenderOptions {
  readonly timeoutMs: number;
  readonly allowPrivate: boolean;
  readonly clock?: () => number;
}

export class Sender {
  readonly #agent: Agent;
  readonly #options: SenderOptions;

  constructor(options: SenderOptions) {
    this.#options = options;
    this.#agent = new Agent({
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: options.timeoutMs, ...(options.allowPrivate ? {} : { lookup: guardedLookup }) },
    });
  }

  async send(
    url: string,
    headers: Readonly<Record<string, string>> | WebhookHeaders,
    body: string,
  ): Promise<SendResult> {
    const clock = this.#options.clock ?? Date.now;
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const refusal = this.#refusal(url);
    if (refusal !== undefined) return { error: refusal, durationMs: 0 };
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'boxoffice-webhooks/1' },
        body,
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      await drain(response.body);
      return {
        status: response.statusCode,
        retryAfterMs: parseRetryAfter(response.headers['retry-after'], clock()),
        durationMs: elapsed(),
      };
    } catch (error) {
      return { error: describe(error), durationMs: elapsed() };
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  /** A URL the guard refuses before any connection: bad form, or an inward IP literal (no lookup runs). */
  #refusal(raw: string): string | undefined {
    const shape = urlShapeRefusal(raw);
    if (shape !== undefined) return shape.message;
    if (this.#options.allowPrivate) return undefined;
    const host = hostOf(new URL(raw));
    if (isIP(host) !== 0 && isInwardAddress(host)) return `${host} is an address webhooks may not reach.`;
    return undefined;
  }
}

async function drain(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<void> {
  let read = 0;
  for await (const chunk of body) {
    read += chunk.length;
    if (read >= RESPONSE_BYTES_MAX) {
      body.destroy();
      return;
    }
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? `: ${cause.message}` : '';
  return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}${inner}`.slice(0, 500);
}
