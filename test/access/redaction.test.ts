// Secrets never reach a log line: the server's pino redaction covers every place a credential could sit in a
// logged object.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LOG_REDACTED } from '../../src/main.js';

describe('log redaction', () => {
  it('hides authorization headers, secrets and tokens wherever they are logged', () => {
    let written = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        written += chunk.toString();
        done();
      },
    });
    const logger = pino({ redact: LOG_REDACTED }, sink);
    const secret = 'box_0123456789abcdef_very-secret-value';
    logger.warn({ req: { headers: { authorization: `Bearer ${secret}` } } }, 'request');
    logger.warn({ headers: { authorization: `Bearer ${secret}` } }, 'headers');
    logger.warn({ authorization: `Bearer ${secret}` }, 'bare');
    logger.warn({ key: { secret } }, 'nested');
    logger.warn({ secret, adminToken: secret, metricsToken: secret, buyerJwtSecret: secret }, 'config');
    expect(written.split('\n').filter(Boolean)).toHaveLength(5);
    expect(written).not.toContain('very-secret-value');
  });
});
