// A client that speaks HTTP/1.1 by hand over a net.Socket: for requests no HTTP client would send (broken
// request lines, a byte at a time) and to watch when the server closes the connection.
import { connect, type Socket } from 'node:net';

export interface RawConnection {
  readonly socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** True once the server closed (or reset) the connection. */
  isClosed(): boolean;
  /** Resolves when the connection is closed; rejects after timeoutMs (a bound, not a measurement). */
  closed(timeoutMs?: number): Promise<void>;
  destroy(): void;
}

export function openRaw(baseUrl: string): Promise<RawConnection> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let data = '';
    let closed = false;
    const whenClosed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      closed = true;
    });
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => data,
        isClosed: () => closed,
        closed: (timeoutMs = 10_000) =>
          Promise.race([
            whenClosed,
            new Promise<never>((_, fail) =>
              setTimeout(() => fail(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs).unref(),
            ),
          ]),
        destroy: () => socket.destroy(),
      }),
    );
    socket.once('error', reject);
  });
}

/** Sends bytes and waits until the server closes the connection; returns what it answered. */
export async function exchangeRaw(baseUrl: string, bytes: string | Buffer): Promise<string> {
  const connection = await openRaw(baseUrl);
  connection.socket.write(bytes);
  try {
    await connection.closed();
  } finally {
    connection.destroy();
  }
  return connection.received();
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The first response in raw bytes (status line, headers, the body by Content-Length). */
export function parseRawResponse(raw: string): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no complete response in ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine = '', ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? raw.length - end - 4);
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: raw.slice(end + 4, end + 4 + length),
  };
}
