import * as common from '.';
import {
  CALL_STATUSES,
  LLM_USAGE_PROJECT_ID_ANNOTATION,
  LLM_USAGE_SIGNAL_CHANNEL,
  PROJECT_SORT_FIELDS,
  TREND_INTERVALS,
} from '.';

describe('shared constants', () => {
  it('keeps the names adopters write into their catalog and subscribe to', () => {
    // Renaming either would silently detach every annotated Component or
    // every open page from its updates.
    expect(LLM_USAGE_PROJECT_ID_ANNOTATION).toBe('llm-usage.io/project-id');
    expect(LLM_USAGE_SIGNAL_CHANNEL).toBe('llm-usage');
  });

  it('lists each allowed value once in every exported enumeration', () => {
    // Every upper-case array export is an enumeration the backend validates
    // against and the frontend offers in its pickers.
    const enumerations = Object.entries(common).filter(
      ([name, value]) => /^[A-Z][A-Z_]+$/.test(name) && Array.isArray(value),
    ) as Array<[string, readonly string[]]>;
    expect(enumerations.length).toBeGreaterThanOrEqual(15);
    for (const [name, values] of enumerations) {
      expect({ name, unique: new Set(values).size }).toEqual({
        name,
        unique: values.length,
      });
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) {
        // plain words: safe in query strings and as translation keys
        expect(value).toMatch(/^[a-zA-Z0-9_]+$/);
      }
    }
  });

  it('offers the values the frontend and backend rely on', () => {
    expect(PROJECT_SORT_FIELDS).toContain('cost');
    expect(CALL_STATUSES).toEqual(['success', 'failed', 'processing']);
    expect(TREND_INTERVALS).toEqual(['hour', 'day', 'week', 'month']);
  });
});
