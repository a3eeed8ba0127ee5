// A real webhook receiver for the tests: an HTTP server on 127.0.0.1 that verifies every request with the
// reference `standardwebhooks` package (with each secret it is given) and answers what the test scripts.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  readonly id: string;
  readonly timestamp: string;
  readonly signatures: string[];
  readonly body: string;
  readonly payload: { type: string; timestamp: string; data: Record<string, unknown> };
  /** Which of the receiver's secrets verified the request (all of them must, for a rotation). */
  readonly verifiedWith: string[];
  /** What the receiver answered. */
  readonly status: number;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export class Receiver {
  readonly received: Received[] = [];
  /** Secrets to verify with; a request none verifies is answered 401 and recorded as unverified. */
  secrets: string[] = [];
  readonly unverified: IncomingHttpHeaders[] = [];
  /** What to answer the n-th request (0-based); 204 when it returns undefined. */
  answer: (request: number, id: string) => Answer | undefined = () => undefined;
  /** How long each answer waits (a slow receiver keeps deliveries in flight). */
  delayMs = 0;
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<Receiver> {
    const receiver: Receiver = new Receiver(
      createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const headers = {
            'webhook-id': String(request.headers['webhook-id']),
            'webhook-timestamp': String(request.headers['webhook-timestamp']),
            'webhook-signature': String(request.headers['webhook-signature']),
          };
          const verifiedWith = receiver.secrets.filter((secret) => verifies(secret, body, headers));
          if (verifiedWith.length === 0) {
            receiver.unverified.push(request.headers);
            response.writeHead(401).end();
            return;
          }
          const answer = receiver.answer(receiver.received.length, headers['webhook-id']) ?? { status: 204 };
          receiver.received.push({
            id: headers['webhook-id'],
            timestamp: headers['webhook-timestamp'],
            signatures: headers['webhook-signature'].split(' '),
            body,
            payload: JSON.parse(body),
            verifiedWith,
            status: answer.status,
          });
          setTimeout(
            () => response.writeHead(answer.status, answer.headers).end(answer.body),
            receiver.delayMs,
          );
        });
      }),
    );
    receiver.#server.listen(0, '127.0.0.1');
    await once(receiver.#server, 'listening');
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks`;
  }

  /** Requests answered 2xx. */
  get accepted(): Received[] {
    return this.received.filter((r) => r.status >= 200 && r.status < 300);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}

/** Each signature in the header alone must verify: the reference accepts a header when any one does. */
function verifies(secret: string, body: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}
