// The error catalogue, its statuses and its documentation stay in sync.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, errorMessages } from '../../src/domain/errors.js';
import { errorStatus } from '../../src/http/error-status.js';

const documented = new Map(
  [...readFileSync('docs/errors.md', 'utf8').matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((match) => [
    match[1],
    Number(match[2]),
  ]),
);

describe('error catalogue', () => {
  const codes = Object.values(ErrorCode);

  it('has stable snake_case codes, each with a message and a 4xx/5xx status', () => {
    for (const code of codes) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(errorMessages[code].length).toBeGreaterThan(0);
      expect(errorStatus[code]).toBeGreaterThanOrEqual(400);
    }
    expect(Object.keys(errorStatus).sort()).toEqual([...codes].sort());
  });

  it('is documented in docs/errors.md with the same statuses, and documents nothing else', () => {
    expect(Object.fromEntries(documented)).toEqual(
      Object.fromEntries(codes.map((code) => [code, errorStatus[code]])),
    );
  });
});
