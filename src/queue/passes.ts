// Queue passes and queue tokens: HMAC-SHA256 over what they grant, checked with the key alone, so that a
// placement with a pass costs no round trip to Redis or the store.
// - A pass `<expires at ms>.<mac>` lets one buyer place holds on one event until it expires; its MAC covers
//   event, buyer and expiry, so a pass of another event or buyer, or with another expiry, does not verify.
// - A queue token `<buyer, base64url>.<mac>` names the buyer whose queue status a live connection follows
//   (a browser cannot send an Authorization header on a WebSocket); it grants nothing else.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type PassRefusal = 'queue_pass_required' | 'queue_pass_invalid' | 'queue_pass_expired';

/** Longest pass accepted from a header: a 13-digit time, a dot and 43 characters of MAC, with room to spare. */
const PASS_LENGTH_MAX = 128;

export class QueuePasses {
  readonly #key: Buffer;

  constructor(secret: string) {
    this.#key = Buffer.from(secret, 'utf8');
  }

  issue(eventId: string, buyerId: string, expiresAtMs: number): string {
    return `${expiresAtMs}.${this.#mac('pass', eventId, buyerId, String(expiresAtMs))}`;
  }

  /** undefined when the pass lets this buyer place on this event at nowMs, else why not. */
  check(eventId: string, buyerId: string, pass: string | undefined, nowMs: number): PassRefusal | undefined {
    if (pass === undefined || pass === '') return 'queue_pass_required';
    if (pass.length > PASS_LENGTH_MAX) return 'queue_pass_invalid';
    const dot = pass.indexOf('.');
    const expiry = pass.slice(0, dot);
    if (dot < 1 || !/^\d{1,15}$/.test(expiry)) return 'queue_pass_invalid';
    if (!this.#matches(pass.slice(dot + 1), 'pass', eventId, buyerId, expiry)) return 'queue_pass_invalid';
    return Number(expiry) <= nowMs ? 'queue_pass_expired' : undefined;
  }

  queueToken(eventId: string, buyerId: string): string {
    return `${Buffer.from(buyerId, 'utf8').toString('base64url')}.${this.#mac('queue', eventId, buyerId)}`;
  }

  /** The buyer a queue token of this event names, or undefined when it is not one. */
  buyerOfQueueToken(eventId: string, token: string): string | undefined {
    if (token.length > 512) return undefined;
    const dot = token.indexOf('.');
    if (dot < 1) return undefined;
    const buyerId = Buffer.from(token.slice(0, dot), 'base64url').toString('utf8');
    return this.#matches(token.slice(dot + 1), 'queue', eventId, buyerId) ? buyerId : undefined;
  }

  #mac(...parts: string[]): string {
    // Newlines cannot occur in ids (their schemas forbid them), so the parts cannot be shifted into each other.
    return createHmac('sha256', this.#key).update(parts.join('\n')).digest('base64url');
  }

  #matches(given: string, ...parts: string[]): boolean {
    const expected = Buffer.from(this.#mac(...parts), 'utf8');
    const actual = Buffer.from(given, 'utf8');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
