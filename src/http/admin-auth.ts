// Admin routes need `Authorization: Bearer <token>`. Compared in constant time over digests, so neither
// the content nor the length of the token leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './error-handler.js';

export function adminGuard(token: string) {
  const expected = digest(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    if (given === undefined || !timingSafeEqual(digest(given), expected))
      return sendError(reply, 'unauthorized');
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
