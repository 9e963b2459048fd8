/**
 * Key rotation: a policy per key and guided rotations (`/keys/:id/rotation`,
 * `/keys/:id/rotate`).
 */

import type {
  CreateProviderKeyRequest,
  CreateProviderKeyResponse,
} from './keys';

/** @public */
export const KEY_ROTATION_STATUSES = ['grace', 'deleted', 'cancelled'] as const;

/** @public */
export type KeyRotationStatus = (typeof KEY_ROTATION_STATUSES)[number];

/**
 * One guided rotation: `newKeyId` replaced `oldKeyId`. The old key is kept
 * until `graceEndsAt`, then deleted once no call has used it for the quiet
 * period; `lastUsedAt` is the latest use a check found.
 *
 * @public
 */
export interface KeyRotation {
  id: string;
  oldKeyId: string;
  newKeyId: string;
  startedBy: string;
  startedAt: string;
  graceEndsAt: string;
  status: KeyRotationStatus;
  lastUsedAt: string | null;
  checkedAt: string | null;
  finishedAt: string | null;
}

/** `GET /keys/:id/rotation`. @public */
export interface KeyRotationState {
  /** Rotate every this many days; null without a policy. */
  maxAgeDays: number | null;
  /** When the key reaches that age; null without a policy. */
  dueAt: string | null;
  /** Whether a rotation can create the new key at the key's provider. */
  canRotate: boolean;
  /** Rotations this key was part of (as old or new key), newest first. */
  rotations: KeyRotation[];
}

/** `PUT /keys/:id/rotation`. @public */
export interface UpdateKeyRotationPolicyRequest {
  /** Null removes the policy. */
  maxAgeDays: number | null;
}

/**
 * `POST /keys/:id/rotate`. The new key's expiry and secret storage are
 * those of creating a key at the provider (default: no expiry, secret not
 * kept).
 *
 * @public
 */
export interface RotateKeyRequest
  extends Pick<CreateProviderKeyRequest, 'expiresAt' | 'storeSecret'> {
  /** Days the old key is kept before it may be deleted (default 7). */
  graceDays?: number;
  /** Name of the new key; default the old name with the date. */
  name?: string;
}

/**
 * `POST /keys/:id/rotate`: the new key (its secret shown once, as when a
 * key is created) and the rotation.
 *
 * @public
 */
export interface RotateKeyResponse {
  created: CreateProviderKeyResponse;
  rotation: KeyRotation;
}
