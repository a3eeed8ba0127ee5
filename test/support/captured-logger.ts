// A logger whose lines a test can read.
import { Writable } from 'node:stream';
import pino from 'pino';

export function capturedLogger(level: pino.Level = 'warn') {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level }, sink), text: () => lines.join('') };
}
