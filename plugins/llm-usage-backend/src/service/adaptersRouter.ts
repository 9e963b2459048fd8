import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import type { CallStore } from '../database/CallStore';
import { parseEachItem, storeCalls } from '../ingest/adapterSupport';
import type { NormalizedCall } from '../database/types';
import type { LiteLlmMapping } from '../ingest/litellm/liteLlmMapping';
import { liteLlmToCall } from '../ingest/litellm/liteLlmToCall';
import { readLiteLlmBody } from '../ingest/litellm/readLiteLlmBody';
import {
  OTLP_PROTOBUF_CONTENT_TYPE,
  decodeTraceRequest,
  encodeExportResponse,
  encodeStatus,
} from '../ingest/otlp/otlpEncoding';
import {
  UnsupportedMediaTypeError,
  otlpEncodingOf,
  otlpErrorAnswer,
  sendOtlp,
} from '../ingest/otlp/otlpErrors';
import type { OtlpMapping } from '../ingest/otlp/otlpMapping';
import { otlpToCalls } from '../ingest/otlp/otlpToCalls';

export interface AdaptersRouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  logger: LoggerService;
  calls: CallStore;
  maxBatchSize: number;
  litellm: LiteLlmMapping;
  otlp: OtlpMapping;
}

const BODY_LIMIT = '20mb';

/** Rejected items named in a response; the count covers them all. */
const MAX_REPORTED_ERRORS = 20;

/**
 * Ingestion in the formats gateways already speak: LiteLLM's generic API
 * logger and OTLP/HTTP traces. Both map to calls and go through the same
 * validation, idempotent store and service-only auth as `POST /calls`.
 * Mount before the main router: its JSON parser would refuse NDJSON.
 */
export async function createAdaptersRouter(
  options: AdaptersRouterOptions,
): Promise<express.Router> {
  const { httpAuth, auditor, logger, calls, maxBatchSize } = options;
  const router = Router();

  async function ingest(
    req: express.Request,
    source: string,
    normalized: NormalizedCall[],
  ) {
    const event = await auditor.createEvent({
      eventId: 'calls-ingest',
      severityLevel: 'low',
      request: req,
      meta: { source, calls: normalized.length },
    });
    try {
      const result = await storeCalls(calls, normalized, maxBatchSize);
      await event.success({ meta: { source, ...result } });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  // Ingestion is for gateways and other plugins, never for a user's browser.
  const servicesOnly: express.RequestHandler = async (req, _res, next) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    next();
  };

  router.post(
    '/ingest/litellm',
    servicesOnly,
    express.text({ type: () => true, limit: BODY_LIMIT }),
    async (req, res) => {
      const { calls: normalized, rejected } = parseEachItem(
        readLiteLlmBody(req.body),
        (item, index) => liteLlmToCall(item, index, options.litellm),
      );
      if (normalized.length === 0 && rejected.length > 0) {
        throw new InputError(
          rejected.length === 1
            ? rejected[0].reason
            : `All ${rejected.length} payloads were invalid, the first: ${rejected[0].reason}`,
        );
      }
      const stored = await ingest(req, 'litellm', normalized);
      // LiteLLM's logger ignores the status: the valid payloads are stored
      // and the others reported, never the whole batch refused.
      res.json(
        rejected.length > 0
          ? {
              ...stored,
              rejected: rejected.length,
              errors: rejected.slice(0, MAX_REPORTED_ERRORS),
            }
          : stored,
      );
    },
  );

  router.post(
    '/ingest/otlp/v1/traces',
    servicesOnly,
    (req, _res, next) => {
      if (!req.is(['application/json', OTLP_PROTOBUF_CONTENT_TYPE])) {
        throw new UnsupportedMediaTypeError(
          `Content-Type '${
            req.headers['content-type'] ?? 'none'
          }' is not supported; send OTLP/HTTP protobuf (${OTLP_PROTOBUF_CONTENT_TYPE}) or JSON (application/json)`,
        );
      }
      next();
    },
    express.json({ limit: BODY_LIMIT }),
    express.raw({ type: OTLP_PROTOBUF_CONTENT_TYPE, limit: BODY_LIMIT }),
    async (req, res) => {
      const encoding = otlpEncodingOf(req);
      const body =
        encoding === 'protobuf' ? decodeTraceRequest(req.body) : req.body;
      const mapped = otlpToCalls(body, options.otlp);
      const { ignoredSpans, invalidSpans, firstInvalid, normalized } = mapped;
      if (normalized.length > 0) {
        await ingest(req, 'otlp', normalized);
      }
      // OTLP's ExportTraceServiceResponse: spans not stored count as rejected.
      const reasons = [
        ignoredSpans > 0
          ? `${ignoredSpans} span(s) are not GenAI model calls and were ignored`
          : undefined,
        firstInvalid
          ? `${invalidSpans} GenAI span(s) were invalid, the first: ${firstInvalid}`
          : undefined,
      ].filter(Boolean);
      sendOtlp(
        res,
        encoding,
        200,
        encodeExportResponse(
          reasons.length > 0
            ? {
                partialSuccess: {
                  rejectedSpans: ignoredSpans + invalidSpans,
                  errorMessage: reasons.join('; '),
                },
              }
            : {},
          encoding,
        ),
      );
    },
  );
  // OTLP exporters read a google.rpc.Status in the request's encoding, and
  // retry only 429, 502, 503 and 504 (honouring Retry-After).
  router.use(
    '/ingest/otlp',
    (
      error: Error,
      req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const encoding = otlpEncodingOf(req);
      const answer = otlpErrorAnswer(error);
      if (answer.retryAfterSeconds) {
        res.setHeader('Retry-After', String(answer.retryAfterSeconds));
      }
      if (answer.status >= 500) {
        logger.warn(`OTLP export failed: ${error.name}`);
      }
      sendOtlp(
        res,
        encoding,
        answer.status,
        encodeStatus(
          { code: answer.grpcCode, message: answer.message },
          encoding,
        ),
      );
    },
  );

  return router;
}
