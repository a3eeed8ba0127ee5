// The buyer tokens of `bench --auth verified`: BUYER_TOKEN_POOL_SIZE HS256 tokens for buyers `b-<n>`, written
// as `<sub> <token>` lines for holds.lua. A pool rather than one token, so that the server's token cache holds
// as many entries as a busy on-sale's active buyers, not one hot line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { BUYER_SECRET } from './shape-under-test.js';

export const BUYER_TOKEN_POOL_SIZE = 10_000;
/** Longer than any run may last (--duration ≤ 600 s plus warm-ups and the projector's drain). */
const TOKEN_LIFETIME = '2h';

/** Writes the pool into `dir`; the file's path. */
export async function writeBuyerTokenPool(dir: string): Promise<string> {
  const key = new TextEncoder().encode(BUYER_SECRET);
  const lines: string[] = [];
  for (let index = 0; index < BUYER_TOKEN_POOL_SIZE; index++) {
    const sub = `b-${index}`;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setExpirationTime(TOKEN_LIFETIME)
      .sign(key);
    lines.push(`${sub} ${token}`);
  }
  const file = join(dir, 'buyer-tokens.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
