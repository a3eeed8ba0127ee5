// Signing secrets at rest. They must sign, so unlike API keys they cannot be hashed: each is sealed with
// AES-256-GCM under the webhooks key, so a copy of the database (a dump, a backup) does not give them away.
// The key comes from BOXOFFICE_WEBHOOKS_KEY; the embedded shape generates one in its data directory when it
// is unset (mode 0600); the distributed shape has no directory of its own and must be given it.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1:';
export const GENERATED_KEY_FILE = 'boxoffice-webhooks.key';

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`The webhooks key must be ${KEY_BYTES} bytes.`);
    this.#key = key;
  }

  seal(secret: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return FORMAT + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
  }

  /** Throws when the text was not sealed with this key (wrong key, or tampered with). */
  open(sealed: string): string {
    if (!sealed.startsWith(FORMAT)) throw new Error('Unknown sealed secret format.');
    const raw = Buffer.from(sealed.slice(FORMAT.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  }
}

/** The key as BOXOFFICE_WEBHOOKS_KEY gives it: 32 bytes in base64 (`openssl rand -base64 32`). */
export function parseWebhooksKey(raw: string): Buffer | undefined {
  const key = Buffer.from(raw, 'base64');
  return key.length === KEY_BYTES ? key : undefined;
}

/**
 * The box of this process: the configured key, or (embedded) the one kept in the data directory, made on
 * first use. Without either there is nothing to seal with: the caller reports the missing setting.
 */
export function openSecretBox(configured: string, dataDir?: string): SecretBox {
  if (configured !== '') {
    const key = parseWebhooksKey(configured);
    if (key === undefined) throw new Error('BOXOFFICE_WEBHOOKS_KEY must be 32 bytes in base64.');
    return new SecretBox(key);
  }
  if (dataDir === undefined)
    throw new Error('BOXOFFICE_WEBHOOKS_KEY is required where there is no data directory to keep one in.');
  const file = join(dataDir, GENERATED_KEY_FILE);
  if (!existsSync(file)) {
    // wx: two processes starting together cannot both write a key; the loser reads the winner's.
    try {
      writeFileSync(file, randomBytes(KEY_BYTES).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = parseWebhooksKey(readFileSync(file, 'utf8').trim());
  if (key === undefined) throw new Error(`${file} does not hold a 32-byte key in base64.`);
  return new SecretBox(key);
}
