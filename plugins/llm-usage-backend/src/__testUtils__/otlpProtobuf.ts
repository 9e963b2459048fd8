import type request from 'supertest';
import { traceService } from '../ingest/otlp/otlpEncoding';

/** supertest collects a binary body only when told how. */
export function binaryBody(
  res: request.Response,
  callback: (error: Error | null, body: Buffer) => void,
) {
  // superagent hands the parser the raw response stream.
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
}

interface JsonTraceRequest {
  resourceSpans: Array<{
    scopeSpans: Array<{
      spans: Array<{ traceId: string; spanId: string }>;
    }>;
  }>;
}

/** OTLP/JSON to binary protobuf, as a proto exporter would send it. */
export function encodeTraceRequest(body: JsonTraceRequest): Buffer {
  const withByteIds = {
    ...body,
    resourceSpans: body.resourceSpans.map(resourceSpans => ({
      ...resourceSpans,
      scopeSpans: resourceSpans.scopeSpans.map(scopeSpans => ({
        ...scopeSpans,
        spans: scopeSpans.spans.map(span => ({
          ...span,
          traceId: Buffer.from(span.traceId, 'hex'),
          spanId: Buffer.from(span.spanId, 'hex'),
        })),
      })),
    })),
  };
  const { ExportTraceServiceRequest } = traceService;
  return Buffer.from(
    ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject(withByteIds),
    ).finish(),
  );
}

/** A protobuf ExportTraceServiceResponse, read back as its JSON shape. */
export function decodeExportResponse(body: Buffer): {
  partialSuccess?: { rejectedSpans?: string; errorMessage?: string };
} {
  const { ExportTraceServiceResponse } = traceService;
  return ExportTraceServiceResponse.toObject(
    ExportTraceServiceResponse.decode(body),
    { longs: String },
  );
}
