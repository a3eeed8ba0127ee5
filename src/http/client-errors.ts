// Requests Node's HTTP parser refuses before any route runs (bad request line, bad Content-Length, headers
// too large, a timeout): answered in the contract's error shape with a stable code, written on the socket
// as there is no reply object yet, then the connection is closed.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ErrorCode } from '../domain/errors.js';
import { errorMessages } from '../domain/errors.js';
import { errorStatus } from './error-status.js';

/** Long enough for the answer to leave; short enough that a client that keeps sending cannot hold on. */
const CLOSE_GRACE_MS = 1_000;

/** The message of each parser error a client can cause (llhttp's codes); the rest get the code's message. */
const PARSER_MESSAGES: Readonly<Record<string, string>> = {
  HPE_INVALID_CONTENT_LENGTH: 'The Content-Length header is not valid.',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'A request must not have both Content-Length and Transfer-Encoding.',
  // Node 20's llhttp reports Content-Length with Transfer-Encoding under this code.
  HPE_INVALID_TRANSFER_ENCODING: 'The Transfer-Encoding header is not valid, or comes with Content-Length.',
  HPE_INVALID_METHOD: 'The request method is not valid.',
  HPE_INVALID_URL: 'The request line is not valid.',
  HPE_INVALID_CONSTANT: 'The request line is not valid.',
  HPE_INVALID_VERSION: 'The HTTP version is not valid.',
  HPE_INVALID_HEADER_TOKEN: 'A request header is not valid.',
  HPE_INVALID_CHUNK_SIZE: 'The chunked body is not valid.',
};

function classify(nodeCode: string | undefined): { code: ErrorCode; message: string } {
  if (nodeCode === 'HPE_HEADER_OVERFLOW')
    return { code: 'headers_too_large', message: errorMessages.headers_too_large };
  if (nodeCode === 'ERR_HTTP_REQUEST_TIMEOUT')
    return { code: 'request_timeout', message: errorMessages.request_timeout };
  const message = (nodeCode && PARSER_MESSAGES[nodeCode]) ?? errorMessages.malformed_request;
  return { code: 'malformed_request', message };
}

/** Fastify's `clientErrorHandler`: called by the Node server's 'clientError' event. */
export function answerClientError(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ err: error }, 'client error');
  // A response already under way (a timeout while it is sent) cannot be followed by another one.
  const responding = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (!socket.writable || responding === true) {
    socket.destroy();
    return;
  }
  const { code, message } = classify(error.code);
  const status = errorStatus[code];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
