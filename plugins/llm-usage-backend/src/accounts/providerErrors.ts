import {
  CustomErrorBase,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ProviderAuthError,
  ProviderError,
  ProviderNotSupportedError,
  ProviderUnavailableError,
} from '@llm-usage/backstage-plugin-llm-usage-node';

/**
 * The provider answered, but not usefully: it refused the account's
 * credentials or sent something we cannot read. A 502, since neither the
 * caller's input nor this backend is at fault.
 */
export class ProviderBadGatewayError extends CustomErrorBase {
  name = 'ProviderBadGatewayError' as const;
  readonly statusCode = 502;
}

/**
 * A provider client's failure as an HTTP error. Provider error messages are
 * already scrubbed of the credentials they were sent with.
 */
export function providerErrorToHttp(error: unknown): unknown {
  if (!(error instanceof ProviderError)) {
    return error;
  }
  if (error instanceof ProviderAuthError) {
    return new ProviderBadGatewayError(
      `The provider refused the account's credentials: ${error.message}`,
    );
  }
  if (error instanceof ProviderUnavailableError) {
    return new ServiceUnavailableError(error.message);
  }
  if (error instanceof ProviderNotSupportedError) {
    return new InputError(error.message);
  }
  return new ProviderBadGatewayError(error.message);
}
