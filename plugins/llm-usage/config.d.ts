export interface Config {
  llmUsage?: {
    polling?: {
      /**
       * How often live views (call history, stats, overview) refresh in the
       * background, in seconds. 0 turns polling off. Defaults to 30.
       * @visibility frontend
       */
      intervalSeconds?: number;
    };
    docs?: {
      /**
       * Link shown to new adopters on how to report calls, e.g. the README's
       * "Sending calls" section of your fork or internal mirror.
       * @visibility frontend
       */
      sendingCallsUrl?: string;
    };
  };
}
