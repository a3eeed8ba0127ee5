// The load tester's HTTP client: one undici Pool of --connections keep-alive sockets to the target, one
// request at a time per socket (pipelining 1, as browsers and most clients do), so that a slow answer
// delays only its own user.
import { Pool } from 'undici';

/** A request that got no answer within this long counts as an error; it also bounds how long a run ends. */
export const REQUEST_TIMEOUT_MS = 10_000;

export type HttpAnswer =
  | { readonly kind: 'answer'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'failure'; readonly error: string };

export type Method = 'GET' | 'POST' | 'DELETE';

export class HttpTarget {
  readonly baseUrl: string;
  readonly #pool: Pool;
  /** A path prefix of the base URL (a server mounted below a proxy path), without the trailing slash. */
  readonly #prefix: string;

  constructor(baseUrl: string, connections: number) {
    const url = new URL(baseUrl);
    this.baseUrl = baseUrl;
    this.#prefix = url.pathname.replace(/\/+$/, '');
    this.#pool = new Pool(url.origin, {
      connections,
      pipelining: 1,
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
      connectTimeout: REQUEST_TIMEOUT_MS,
    });
  }

  async send(
    method: Method,
    path: string,
    body?: unknown,
    headers: Readonly<Record<string, string>> = {},
    signal?: AbortSignal,
  ): Promise<HttpAnswer> {
    try {
      const response = await this.#pool.request({
        method,
        path: this.#prefix + path,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      const text = await response.body.text();
      return { kind: 'answer', status: response.statusCode, body: parseBody(text) };
    } catch (error) {
      return { kind: 'failure', error: errorName(error) };
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

/** JSON when it is JSON; a proxy's HTML error page stays text, so the report can still show it. */
function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A stable name for a transport failure: the system or undici code (ECONNRESET, UND_ERR_HEADERS_TIMEOUT). */
function errorName(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : error.name;
  }
  return 'unknown';
}

/** The stable error code of a refusal body (`{"error": {"code": ...}}`), if it has one. */
export function errorCodeOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
