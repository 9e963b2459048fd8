import { CustomErrorBase, isError } from '@backstage/errors';
import type express from 'express';
import { isDatabaseOverload } from '../../lib/databaseErrors';
import { OTLP_PROTOBUF_CONTENT_TYPE, type OtlpEncoding } from './otlpEncoding';

/** A body type OTLP/HTTP does not define. */
export class UnsupportedMediaTypeError extends CustomErrorBase {}

/** How a failed OTLP export is answered. */
export interface OtlpErrorAnswer {
  status: number;
  /** The google.rpc.Code of the Status body. */
  grpcCode: number;
  message: string;
  /** Set for overload: the exporter retries after this long. */
  retryAfterSeconds?: number;
}

const GRPC = {
  INVALID_ARGUMENT: 3,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const BY_ERROR_NAME: Record<string, { status: number; grpcCode: number }> = {
  InputError: { status: 400, grpcCode: GRPC.INVALID_ARGUMENT },
  AuthenticationError: { status: 401, grpcCode: GRPC.UNAUTHENTICATED },
  NotAllowedError: { status: 403, grpcCode: GRPC.PERMISSION_DENIED },
  UnsupportedMediaTypeError: { status: 415, grpcCode: GRPC.INVALID_ARGUMENT },
};

/** Seconds an overloaded backend asks exporters to wait before retrying. */
const OVERLOAD_RETRY_AFTER_SECONDS = 5;

/** Maps an error of the OTLP route to its HTTP status and Status body. */
export function otlpErrorAnswer(error: unknown): OtlpErrorAnswer {
  if (!isError(error)) {
    return { status: 500, grpcCode: GRPC.INTERNAL, message: 'Internal error' };
  }
  const known = BY_ERROR_NAME[error.name];
  if (known) return { ...known, message: error.message };
  if (isDatabaseOverload(error)) {
    return {
      status: 503,
      grpcCode: GRPC.UNAVAILABLE,
      message: 'The backend is busy; retry later',
      retryAfterSeconds: OVERLOAD_RETRY_AFTER_SECONDS,
    };
  }
  // body-parser's errors (too large, unreadable, bad compression) carry a 4xx.
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      grpcCode:
        status === 413 ? GRPC.RESOURCE_EXHAUSTED : GRPC.INVALID_ARGUMENT,
      message: error.message,
    };
  }
  // Never echo an unexpected error: it may hold SQL or internals.
  return { status: 500, grpcCode: GRPC.INTERNAL, message: 'Internal error' };
}

/** The encoding of an OTLP/HTTP request, which its answer must use. */
export function otlpEncodingOf(req: express.Request): OtlpEncoding {
  return req.is(OTLP_PROTOBUF_CONTENT_TYPE) ? 'protobuf' : 'json';
}

/** Sends an OTLP body encoded by `encodeExportResponse` or `encodeStatus`. */
export function sendOtlp(
  res: express.Response,
  encoding: OtlpEncoding,
  status: number,
  body: Buffer | object,
) {
  res.status(status);
  if (encoding === 'protobuf') {
    res.type(OTLP_PROTOBUF_CONTENT_TYPE).send(body);
  } else {
    res.json(body);
  }
}
