// Registering endpoints and rotating their secrets: what the routes do, without HTTP. The plain secret
// exists only in the answer of these calls; the store keeps it sealed.
import { randomBytes } from 'node:crypto';
import type { WebhookEventType } from './event-types.js';
import type { SecretBox } from './secret-box.js';
import { mintSigningSecret } from './signing.js';
import type { Endpoint, WebhookStore } from './webhook-store.js';

/** How long the replaced secret still signs after a rotation, unless the request says otherwise. */
export const ROTATION_OVERLAP_MS_DEFAULT = 24 * 3_600_000;

export interface NewEndpoint {
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly description?: string;
}

export async function registerEndpoint(
  store: WebhookStore,
  box: SecretBox,
  spec: NewEndpoint,
  nowMs: number,
): Promise<{ endpoint: Endpoint; secret: string }> {
  const secret = mintSigningSecret();
  const endpoint: Endpoint = {
    id: `wh_${randomBytes(12).toString('base64url')}`,
    url: spec.url,
    events: [...new Set(spec.events)],
    description: spec.description ?? '',
    enabled: true,
    secretSealed: box.seal(secret),
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
  };
  await store.createEndpoint(endpoint);
  return { endpoint, secret };
}

/** A new secret; the current one keeps signing beside it for `overlapMs`. undefined: no such endpoint. */
export async function rotateEndpointSecret(
  store: WebhookStore,
  box: SecretBox,
  id: string,
  overlapMs: number,
  nowMs: number,
): Promise<{ endpoint: Endpoint; secret: string } | undefined> {
  const secret = mintSigningSecret();
  const endpoint = await store.rotateSecret(id, box.seal(secret), nowMs + overlapMs, nowMs);
  return endpoint === undefined ? undefined : { endpoint, secret };
}
