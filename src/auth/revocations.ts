// How a revoked API key reaches every instance: the instance that revokes forgets the key at once and
// publishes its id; the others forget it when the message arrives. Pub/sub is at-most-once, so a lost message
// is covered by the key cache's short lifetime (KEY_CACHE_TTL_MS), and a reconnect forgets every key.
import type { Redis } from 'ioredis';

/** Channel of revoked key ids; not under an event's hash tag (classic pub/sub reaches every cluster node). */
export const KEY_REVOKED_CHANNEL = 'boxoffice:api-key-revoked';

export interface RevocationListener {
  forget(keyId: string): void;
  forgetAll(): void;
}

export interface Revocations {
  /** Tells the other instances; resolves once sent (or failed: the cache lifetime still bounds the delay). */
  announce(keyId: string): Promise<void>;
  listen(listener: RevocationListener): void;
  close(): void;
}

/** The embedded shape is one process: the verifier that revokes is the only one. */
export const localRevocations: Revocations = {
  announce: async () => {},
  listen: () => {},
  close: () => {},
};

export function redisRevocations(
  publisher: { publish(channel: string, message: string): Promise<unknown> },
  subscriber: Redis,
): Revocations {
  return {
    async announce(keyId) {
      await publisher.publish(KEY_REVOKED_CHANNEL, keyId).catch(() => {});
    },
    listen(listener) {
      subscriber.on('message', (channel: string, keyId: string) => {
        if (channel === KEY_REVOKED_CHANNEL) listener.forget(keyId);
      });
      // Messages published while the connection was down are lost: forget every key on (re)connect.
      subscriber.on('ready', () => listener.forgetAll());
      subscriber.subscribe(KEY_REVOKED_CHANNEL).catch(() => listener.forgetAll());
    },
    close: () => subscriber.disconnect(),
  };
}
