import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { CallInput } from '@llm-usage/backstage-plugin-llm-usage-common';
import express from 'express';
import Router from 'express-promise-router';
import type { CallStore } from '../database/CallStore';
import { ingestCallInputs } from '../ingest/adapterSupport';
import type { LiteLlmMapping } from '../ingest/litellm/liteLlmMapping';
import { liteLlmToCall } from '../ingest/litellm/liteLlmToCall';
import { readLiteLlmBody } from '../ingest/litellm/readLiteLlmBody';
import type { OtlpMapping } from '../ingest/otlp/otlpMapping';
import { otlpToCalls } from '../ingest/otlp/otlpToCalls';

export interface AdaptersRouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  calls: CallStore;
  maxBatchSize: number;
  litellm: LiteLlmMapping;
  otlp: OtlpMapping;
}

const BODY_LIMIT = '20mb';

/**
 * Ingestion in the formats gateways already speak: LiteLLM's generic API
 * logger and OTLP/HTTP traces. Both map to calls and go through the same
 * validation, idempotent store and service-only auth as `POST /calls`.
 * Mount before the main router: its JSON parser would refuse NDJSON.
 */
export async function createAdaptersRouter(
  options: AdaptersRouterOptions,
): Promise<express.Router> {
  const { httpAuth, auditor, calls, maxBatchSize } = options;
  const router = Router();

  async function ingest(
    req: express.Request,
    source: string,
    inputs: CallInput[],
  ) {
    const event = await auditor.createEvent({
      eventId: 'calls-ingest',
      severityLevel: 'low',
      request: req,
      meta: { source, calls: inputs.length },
    });
    try {
      const result = await ingestCallInputs(calls, inputs, maxBatchSize);
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
      const inputs = readLiteLlmBody(req.body).map((item, index) =>
        liteLlmToCall(item, index, options.litellm),
      );
      res.json(await ingest(req, 'litellm', inputs));
    },
  );

  router.post(
    '/ingest/otlp/v1/traces',
    servicesOnly,
    (req, res, next) => {
      if (req.is('application/x-protobuf')) {
        // OTLP/HTTP JSON is what we parse; protobuf would need the generated schema.
        throw new InputError(
          'OTLP protobuf is not accepted here; configure the exporter with encoding: json',
        );
      }
      if (!req.is('application/json')) {
        // OTLP/HTTP answers an unsupported body type with 415.
        res.status(415).json({
          error: {
            name: 'UnsupportedMediaTypeError',
            message: `Content-Type '${
              req.headers['content-type'] ?? 'none'
            }' is not supported; send OTLP/HTTP JSON (application/json)`,
          },
        });
        return;
      }
      next();
    },
    express.json({ limit: BODY_LIMIT }),
    async (req, res) => {
      const {
        calls: inputs,
        ignoredSpans,
        invalidSpans,
        firstInvalid,
      } = otlpToCalls(req.body, options.otlp);
      if (inputs.length > 0) {
        await ingest(req, 'otlp', inputs);
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
      res.json(
        reasons.length > 0
          ? {
              partialSuccess: {
                rejectedSpans: ignoredSpans + invalidSpans,
                errorMessage: reasons.join('; '),
              },
            }
          : {},
      );
    },
  );

  return router;
}
