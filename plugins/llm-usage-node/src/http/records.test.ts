import { mergeCostRecords, mergeUsageRecords } from './records';

describe('mergeUsageRecords', () => {
  it('sums rows with the same day, key, model and project', () => {
    const base = {
      date: '2025-08-01',
      providerKeyId: 'k',
      model: 'm',
      providerProjectId: 'p',
    };
    const merged = mergeUsageRecords([
      {
        ...base,
        inputTokens: 1,
        outputTokens: 2,
        cachedTokens: 3,
        requests: 4,
      },
      {
        ...base,
        inputTokens: 10,
        outputTokens: 20,
        cachedTokens: 30,
        requests: null,
      },
      {
        ...base,
        model: 'other',
        inputTokens: 5,
        outputTokens: 5,
        cachedTokens: 0,
        requests: null,
      },
    ]);
    expect(merged).toEqual([
      {
        ...base,
        inputTokens: 11,
        outputTokens: 22,
        cachedTokens: 33,
        requests: 4,
      },
      {
        ...base,
        model: 'other',
        inputTokens: 5,
        outputTokens: 5,
        cachedTokens: 0,
        requests: null,
      },
    ]);
  });
});

describe('mergeCostRecords', () => {
  it('sums amounts exactly per identity and currency', () => {
    const base = {
      date: '2025-08-01',
      providerKeyId: '',
      model: '',
      providerProjectId: 'p',
      lineItem: 'x',
    };
    const merged = mergeCostRecords([
      { ...base, amount: '0.1', currency: 'USD' },
      { ...base, amount: '0.2', currency: 'USD' },
      { ...base, amount: '1', currency: 'CNY' },
    ]);
    expect(merged).toEqual([
      { ...base, amount: '0.3', currency: 'USD' },
      { ...base, amount: '1', currency: 'CNY' },
    ]);
  });
});
