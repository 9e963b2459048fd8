import { InputError } from '@backstage/errors';
import JSON5 from 'json5';
import { hostileJsonError } from '../../lib/hostileJson';

/**
 * Reads what LiteLLM's generic API logger sends, in each of its `log_format`s:
 * a JSON array of payloads (`json_array`, the default), one payload per
 * request (`single`) or one payload per line (`ndjson`). All of them arrive
 * as `application/json`, so the body is read as text and parsed here.
 */
export function readLiteLlmBody(body: unknown): unknown[] {
  const items = readItems(body);
  // Read as text, this body skipped the NUL and depth check of JSON routes.
  const hostile = hostileJsonError(items);
  if (hostile) throw hostile;
  return items;
}

function readItems(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object' && !Buffer.isBuffer(body)) {
    return [body];
  }
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
  if (typeof text !== 'string' || !text.trim()) {
    throw new InputError(
      'Request body must be a LiteLLM payload, a JSON array of them or newline-delimited JSON',
    );
  }
  try {
    return readItems(parseLiteLlmJson(text));
  } catch (error) {
    if (error instanceof InputError) throw error;
  }
  return text
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean)
    .map((line, index) => {
      try {
        const value = parseLiteLlmJson(line);
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          return value;
        }
      } catch {
        // reported below
      }
      throw new InputError(
        `Request body is neither JSON nor newline-delimited JSON: line ${
          index + 1
        } is not a JSON object`,
      );
    });
}

/**
 * LiteLLM serialises with Python's json.dumps, which writes a failed cost
 * calculation as a bare NaN or Infinity: not JSON, but JSON5 reads them.
 */
function parseLiteLlmJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!/\b(NaN|Infinity)\b/.test(text)) throw error;
    return JSON5.parse(text);
  }
}
