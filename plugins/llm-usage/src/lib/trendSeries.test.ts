import type { UsageTrendsResponse } from '@llm-usage/backstage-plugin-llm-usage-common';
import { OTHER_SERIES, toTrendChartData, trendCurrencies } from './trendSeries';

function trends(
  points: Array<[string, string, number, Array<[string, string]>?]>,
): UsageTrendsResponse {
  return {
    source: 'calls',
    range: { from: '', to: '' },
    interval: 'day',
    timeZone: 'UTC',
    split: 'provider',
    series: [...new Set(points.map(p => p[1]))],
    points: points.map(([bucketStart, series, calls, costs = []]) => ({
      bucketStart,
      series,
      calls,
      successCalls: calls,
      failedCalls: 0,
      inputTokens: calls * 10,
      outputTokens: calls,
      totalTokens: calls * 11,
      costs: costs.map(([currency, amount]) => ({ currency, amount })),
    })),
  };
}

describe('toTrendChartData', () => {
  it('pivots series into one row per bucket, in time order', () => {
    const data = toTrendChartData(
      trends([
        ['2025-01-02T00:00:00Z', 'openai', 5],
        ['2025-01-01T00:00:00Z', 'openai', 3],
        ['2025-01-01T00:00:00Z', 'anthropic', 9],
      ]),
      'calls',
    );
    expect(data.series).toEqual(['anthropic', 'openai']);
    expect(data.rows).toEqual([
      { bucketStart: '2025-01-01T00:00:00Z', anthropic: 9, openai: 3 },
      { bucketStart: '2025-01-02T00:00:00Z', anthropic: 0, openai: 5 },
    ]);
  });

  it('charts cost in one currency only', () => {
    const input = trends([
      [
        '2025-01-01T00:00:00Z',
        'total',
        1,
        [
          ['USD', '1.5'],
          ['CNY', '10'],
        ],
      ],
      ['2025-01-02T00:00:00Z', 'total', 1, [['CNY', '20']]],
    ]);
    expect(trendCurrencies(input)).toEqual(['CNY', 'USD']);
    expect(
      toTrendChartData(input, 'cost', { currency: 'USD' }).rows.map(
        r => r.total,
      ),
    ).toEqual([1.5, 0]);
  });

  it('folds the smallest series into "other"', () => {
    const data = toTrendChartData(
      trends([
        ['2025-01-01T00:00:00Z', 'a', 50],
        ['2025-01-01T00:00:00Z', 'b', 40],
        ['2025-01-01T00:00:00Z', 'c', 3],
        ['2025-01-01T00:00:00Z', 'd', 2],
      ]),
      'calls',
      { maxSeries: 3 },
    );
    expect(data.series).toEqual(['a', 'b', OTHER_SERIES]);
    expect(data.rows[0][OTHER_SERIES]).toBe(5);
  });
});
