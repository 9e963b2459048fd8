import type {
  ApiKey,
  KeyBatchRequest,
  KeyBatchResult,
  KeyListQuery,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { LlmUsageApi } from '../../api';

/** Keys per `POST /keys/batch` request and per page when collecting keys. */
export const BATCH_CHUNK_SIZE = 100;

/**
 * What the user selected: some keys (kept across pages), or every key that
 * matches the current filters, however many pages that is.
 */
export type KeySelection =
  | { mode: 'keys'; keys: Map<string, ApiKey> }
  | { mode: 'allMatching'; total: number };

export const EMPTY_SELECTION: KeySelection = { mode: 'keys', keys: new Map() };

export function selectionSize(selection: KeySelection): number {
  return selection.mode === 'keys' ? selection.keys.size : selection.total;
}

/** Every key matching the filters, page by page. */
export async function collectMatchingKeys(
  api: LlmUsageApi,
  query: KeyListQuery,
): Promise<ApiKey[]> {
  const keys: ApiKey[] = [];
  for (let offset = 0; ; offset += BATCH_CHUNK_SIZE) {
    const page = await api.listKeys({
      ...query,
      offset,
      limit: BATCH_CHUNK_SIZE,
    });
    keys.push(...page.items);
    if (page.items.length < BATCH_CHUNK_SIZE || keys.length >= page.total) {
      return keys;
    }
  }
}

/** The selected keys themselves, fetching them when "all matching" is on. */
export async function resolveSelection(
  api: LlmUsageApi,
  selection: KeySelection,
  query: KeyListQuery,
): Promise<ApiKey[]> {
  return selection.mode === 'keys'
    ? [...selection.keys.values()]
    : collectMatchingKeys(api, query);
}

/**
 * Runs a batch action over any number of keys in chunks and returns one
 * result per key. A chunk that fails as a whole (network, 5xx) marks each of
 * its keys failed with the error, so nothing disappears from the report.
 */
export async function runKeyBatch(
  api: LlmUsageApi,
  request: Omit<KeyBatchRequest, 'keyIds'>,
  keyIds: string[],
  /** Shown for a key the backend did not answer for (translated). */
  missingResultMessage: string,
): Promise<KeyBatchResult[]> {
  const results: KeyBatchResult[] = [];
  for (let i = 0; i < keyIds.length; i += BATCH_CHUNK_SIZE) {
    const chunk = keyIds.slice(i, i + BATCH_CHUNK_SIZE);
    try {
      const response = await api.batchKeys({ ...request, keyIds: chunk });
      const answered = new Map(response.results.map(r => [r.keyId, r]));
      for (const keyId of chunk) {
        results.push(
          answered.get(keyId) ?? {
            keyId,
            ok: false,
            error: missingResultMessage,
          },
        );
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push(
        ...chunk.map(keyId => ({ keyId, ok: false, error: message })),
      );
    }
  }
  return results;
}
