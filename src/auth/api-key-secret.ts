// The credential string of an API key: `box_<id>_<secret>`. The id (16 hex characters) finds the key without
// comparing secrets in a database index; the secret (256 random bits) is then checked in constant time
// against the stored digest. The prefix lets a secret scanner recognise a leaked key.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'box_';
const ID_BYTES = 8;
const SECRET_BYTES = 32;
const ID_LENGTH = ID_BYTES * 2;
/** base64url of 32 bytes, no padding. */
const SECRET_LENGTH = 43;
export const API_KEY_LENGTH = PREFIX.length + ID_LENGTH + 1 + SECRET_LENGTH;

export function mintApiKey(): { id: string; credential: string; secretSha256: string } {
  const id = randomBytes(ID_BYTES).toString('hex');
  const credential = `${PREFIX}${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { id, credential, secretSha256: sha256Hex(credential) };
}

export function looksLikeApiKey(credential: string): boolean {
  return credential.length === API_KEY_LENGTH && credential.startsWith(PREFIX);
}

/** The key id of a credential shaped like an API key, else undefined. */
export function apiKeyIdOf(credential: string): string | undefined {
  if (!looksLikeApiKey(credential) || credential[PREFIX.length + ID_LENGTH] !== '_') return undefined;
  const id = credential.slice(PREFIX.length, PREFIX.length + ID_LENGTH);
  return /^[0-9a-f]{16}$/.test(id) ? id : undefined;
}

/** Constant time in the content of both: compares digests of equal length. */
export function secretMatches(credential: string, secretSha256: string): boolean {
  const given = createHash('sha256').update(credential).digest();
  const stored = Buffer.from(secretSha256, 'hex');
  return stored.length === given.length && timingSafeEqual(given, stored);
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
