/**
 * The Backstage signals channel on which the backend tells users that calls
 * they can see have landed.
 *
 * @public
 */
export const LLM_USAGE_SIGNAL_CHANNEL = 'llm-usage';

/**
 * A signal on {@link LLM_USAGE_SIGNAL_CHANNEL}: which projects the recipient
 * can see got new calls. It carries no figures, so it never shows more than
 * the API would.
 *
 * @public
 */
export type LlmUsageCallsSignal = {
  type: 'calls';
  /** Absent when too many projects changed at once: refresh everything. */
  projectIds?: string[];
};
