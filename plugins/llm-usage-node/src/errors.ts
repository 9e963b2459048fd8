import { CustomErrorBase } from '@backstage/errors';

/** Base of every error a provider client throws. @public */
export class ProviderError extends CustomErrorBase {}

/** The provider rejected the credentials (401/403): the account needs attention. @public */
export class ProviderAuthError extends ProviderError {}

/** The provider answered with something we cannot parse; nothing was written. @public */
export class ProviderResponseError extends ProviderError {}

/** The provider could not be reached or kept failing after retries. @public */
export class ProviderUnavailableError extends ProviderError {}

/** The operation is not supported by this provider. @public */
export class ProviderNotSupportedError extends ProviderError {}
