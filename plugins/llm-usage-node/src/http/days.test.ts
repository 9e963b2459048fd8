import { InputError } from '@backstage/errors';
import {
  addDays,
  dateRangeToSeconds,
  isDayInRange,
  recordsOfDailyBuckets,
  utcDayOfSeconds,
  utcDayStartSeconds,
} from './days';

describe('days', () => {
  it('converts between days and unix seconds in UTC', () => {
    expect(utcDayStartSeconds('2024-11-01')).toBe(1730419200);
    expect(utcDayOfSeconds(1730419200)).toBe('2024-11-01');
    expect(utcDayOfSeconds(1730505599)).toBe('2024-11-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('rejects malformed or impossible days', () => {
    expect(() => utcDayStartSeconds('2024-2-1')).toThrow(InputError);
    expect(() => utcDayStartSeconds('2023-02-29')).toThrow(InputError);
  });

  it('turns an inclusive range into a half-open interval', () => {
    expect(
      dateRangeToSeconds({ from: '2024-11-01', to: '2024-11-02' }),
    ).toEqual({
      startSeconds: 1730419200,
      endSeconds: 1730592000,
    });
    expect(() =>
      dateRangeToSeconds({ from: '2024-11-02', to: '2024-11-01' }),
    ).toThrow(InputError);
    expect(
      isDayInRange('2024-11-02', { from: '2024-11-01', to: '2024-11-02' }),
    ).toBe(true);
    expect(
      isDayInRange('2024-11-03', { from: '2024-11-01', to: '2024-11-02' }),
    ).toBe(false);
  });
});

describe('recordsOfDailyBuckets', () => {
  it("maps each result with its bucket's day and drops days outside the range", () => {
    const buckets = [
      { start: '2024-10-31', results: [{ n: 0 }] },
      { start: '2024-11-01', results: [{ n: 1 }, { n: 2 }] },
      { start: '2024-11-02', results: [] },
      { start: '2024-11-03', results: [{ n: 3 }] },
      { start: '2024-11-04', results: [{ n: 4 }] },
    ];

    const records = recordsOfDailyBuckets(
      buckets,
      { from: '2024-11-01', to: '2024-11-03' },
      {
        dayOf: bucket => bucket.start,
        toRecord: (result, day) => `${day}:${result.n}`,
      },
    );

    expect(records).toEqual(['2024-11-01:1', '2024-11-01:2', '2024-11-03:3']);
  });
});
