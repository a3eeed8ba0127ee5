// API keys: credentials of a platform's backend (`sales`) or of an operator (`admin`). The store keeps only
// the SHA-256 of the secret: the secret is 256 random bits, so a fast hash is as strong as a slow one and the
// check stays a map lookup plus one digest.

export const API_KEY_ROLES = ['admin', 'sales'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly role: ApiKeyRole;
  /** Hex SHA-256 of the whole credential string. */
  readonly secretSha256: string;
  readonly createdAtMs: number;
  readonly revokedAtMs?: number;
}
