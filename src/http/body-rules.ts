// What a request body may be, checked before it is read or parsed: routes without a body schema take no
// body at all, and a JSON body may nest only JSON_DEPTH_MAX deep.
import type { FastifyInstance, preParsingAsyncHookHandler } from 'fastify';
import { DomainError } from '../domain/errors.js';

/**
 * A route that declares no body schema takes no body. The refusal comes from the headers alone, before any
 * byte of the body is read, and closes the connection so the body is never read at all.
 */
export function refuseBodiesWhereNoneIsTaken(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.schema?.body !== undefined) return;
    route.preParsing = [...[route.preParsing ?? []].flat(), refuseBody];
  });
}

const refuseBody: preParsingAsyncHookHandler = async (request, reply, payload) => {
  const length = request.headers['content-length'];
  const hasBody =
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) !== 0);
  if (!hasBody) return payload;
  reply.header('connection', 'close');
  throw new DomainError('body_not_allowed');
};

/**
 * Whether JSON text nests objects and arrays deeper than depthMax. One pass over the characters with no
 * allocation, so a deep body is refused without building it; brackets inside strings do not count.
 * Text that is not JSON may pass: JSON.parse refuses it next.
 */
export function jsonNestsDeeperThan(text: string, depthMax: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === BACKSLASH) index++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) inString = true;
    else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      depth++;
      if (depth > depthMax) return true;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) depth--;
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
