// The one place that writes error bodies: {"error": {"code", "message"}}. Domain refusals arrive as
// DomainError, and so do outages of the store and of the gate, translated where those ports are handed to
// the request side (domain/outage-boundary.ts): this handler knows no driver. Framework errors (validation,
// body parsing) are mapped to stable codes; anything else is a fault, logged, and answered 500 without
// details. A 5xx body always carries the fixed message of its code: the detail (an address, a constraint
// name) is logged, never sent.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { DomainError, type ErrorCode, errorMessages, type Rejection } from '../domain/errors.js';
import { errorStatus } from './error-status.js';

const FRAMEWORK_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
};

export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message: string = errorMessages[code],
): FastifyReply {
  const status = errorStatus[code];
  return reply.code(status).send({ error: { code, message: status >= 500 ? errorMessages[code] : message } });
}

export function sendRejection(reply: FastifyReply, rejection: Rejection): FastifyReply {
  if (rejection.reason === undefined) return sendError(reply, rejection.code, rejection.message);
  const { code, message, reason } = rejection;
  return reply.code(errorStatus[code]).send({ error: { code, message, reason } });
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      if (errorStatus[error.code] >= 500)
        request.log.warn({ err: error, method: request.method, url: request.url }, 'request failed');
      return sendError(reply, error.code, error.message);
    }
    if (error.validation !== undefined) return sendError(reply, 'invalid_request', error.message);
    const mapped = FRAMEWORK_CODES[error.code];
    // The body was refused unread: closing the connection keeps it so (Node would read it to reuse it).
    if (mapped === 'payload_too_large') reply.header('connection', 'close');
    if (mapped !== undefined)
      return sendError(
        reply,
        mapped,
        mapped === 'malformed_json' ? errorMessages.malformed_json : error.message,
      );
    // Body parsing fails with a SyntaxError carrying status 400 when the JSON itself is broken.
    if (error instanceof SyntaxError || error.statusCode === 400) return sendError(reply, 'malformed_json');
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, 'invalid_request', error.message);
    }
    request.log.error({ err: error, method: request.method, url: request.url }, 'unhandled error');
    return sendError(reply, 'internal_error');
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      'route_not_found',
      `No route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}.`,
    ),
  );
}
