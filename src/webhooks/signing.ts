// Standard Webhooks 1.0 signing: `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, the
// key being the bytes of the secret after `whsec_`. During a rotation's overlap both secrets sign, and the
// header carries both signatures separated by a space; receivers accept any one that verifies.
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

export function mintSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

export function signatureOf(
  secret: string,
  messageId: string,
  timestampSeconds: number,
  body: string,
): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** A type, not an interface: it is passed where headers are a Record<string, string>. */
export type WebhookHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

/** The three headers of one attempt; `secrets`: the current one first, then the previous one if still valid. */
export function webhookHeaders(
  secrets: readonly string[],
  messageId: string,
  timestampSeconds: number,
  body: string,
): WebhookHeaders {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets
      .map((secret) => signatureOf(secret, messageId, timestampSeconds, body))
      .join(' '),
  };
}
