// Requests Node's HTTP parser refuses before any route runs are answered in the contract's error shape
// with a stable code (not Node's `{"error":"Bad Request","statusCode":400}`), and the connection is closed.
// Raw bytes over a socket: no HTTP client sends these.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/domain/errors.js';
import { errorStatus } from '../../src/http/error-status.js';
import { startEmbedded, type TestEmbedded } from '../support/embedded.js';
import { listen } from '../support/http.js';
import { exchangeRaw, parseRawResponse } from '../support/raw-socket.js';

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

const CASES: readonly { name: string; bytes: string; status: number; code: string }[] = [
  {
    name: 'headers over 16 KiB',
    bytes: `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
    status: 431,
    code: 'headers_too_large',
  },
  {
    name: 'a Content-Length that is not a number',
    bytes: 'POST /v1/events/x/holds HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
    status: 400,
    code: 'malformed_request',
  },
  {
    name: 'two different Content-Lengths',
    bytes: 'POST /v1/events/x/holds HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
    status: 400,
    code: 'malformed_request',
  },
  {
    name: 'Content-Length and Transfer-Encoding together (request smuggling)',
    bytes:
      'POST /v1/events/x/holds HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    status: 400,
    code: 'malformed_request',
  },
  {
    name: 'a method that is not HTTP',
    bytes: 'FETCHME / HTTP/1.1\r\nHost: x\r\n\r\n',
    status: 400,
    code: 'malformed_request',
  },
  { name: 'a request line of garbage', bytes: 'hello there\r\n\r\n', status: 400, code: 'malformed_request' },
  {
    name: 'an unknown HTTP version',
    bytes: 'GET /healthz HTTP/7.3\r\nHost: x\r\n\r\n',
    status: 400,
    code: 'malformed_request',
  },
  {
    name: 'a space inside a header name',
    bytes: 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n',
    status: 400,
    code: 'malformed_request',
  },
  {
    name: 'a chunk size that is not hex',
    bytes:
      'POST /v1/events/x/holds HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    status: 400,
    code: 'malformed_request',
  },
];

describe('protocol errors', () => {
  let bo: TestEmbedded;
  let baseUrl: string;

  beforeAll(async () => {
    bo = await startEmbedded();
    baseUrl = await listen(bo.app);
  });
  afterAll(async () => bo.dispose());

  it.each(CASES)('$name → $status $code, in the contract shape, and the connection closed', async (c) => {
    const response = parseRawResponse(await exchangeRaw(baseUrl, c.bytes));
    expect({ status: response.status, body: JSON.parse(response.body) }).toEqual({
      status: c.status,
      body: { error: { code: c.code, message: expect.any(String) } },
    });
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers.connection).toBe('close');
    expect(CODES.has(c.code) && errorStatus[c.code as ErrorCode]).toBe(c.status);
  });

  it('still answers a well-formed request afterwards', async () => {
    const response = parseRawResponse(
      await exchangeRaw(baseUrl, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    );
    expect(response.status).toBe(200);
  });
});
