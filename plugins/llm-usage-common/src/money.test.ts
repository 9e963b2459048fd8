import {
  CostTotals,
  formatNanos,
  parseDecimalToNanos,
  sumCostsByCurrency,
  toBigInt,
} from './money';

describe('parseDecimalToNanos', () => {
  it('reads decimal strings and numbers as exact nano-units', () => {
    expect(parseDecimalToNanos('12.5')).toBe(12_500_000_000n);
    expect(parseDecimalToNanos(' 0.000000001 ')).toBe(1n);
    expect(parseDecimalToNanos('-3')).toBe(-3_000_000_000n);
    expect(parseDecimalToNanos(0.1)).toBe(100_000_000n);
    // beyond 2^53 nano-units, where a float would already be off
    expect(parseDecimalToNanos('9007199.254740993')).toBe(
      9_007_199_254_740_993n,
    );
  });

  it('rounds half away from zero past the ninth decimal', () => {
    expect(parseDecimalToNanos('0.0000000015')).toBe(2n);
    expect(parseDecimalToNanos('0.0000000014999')).toBe(1n);
    expect(parseDecimalToNanos('-0.0000000015')).toBe(-2n);
  });

  it('refuses what is not a plain decimal', () => {
    for (const text of ['', 'abc', '1e3', '1,000.5', '1.2.3', '.5', '5.']) {
      expect(parseDecimalToNanos(text)).toBeUndefined();
    }
    expect(parseDecimalToNanos(Number.NaN)).toBeUndefined();
    expect(parseDecimalToNanos(Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});

describe('formatNanos', () => {
  it('prints without trailing zeros and keeps the sign', () => {
    expect(formatNanos(0n)).toBe('0');
    expect(formatNanos(12_500_000_000n)).toBe('12.5');
    expect(formatNanos(1n)).toBe('0.000000001');
    expect(formatNanos(-1_000_000_001n)).toBe('-1.000000001');
  });

  it('round-trips with parseDecimalToNanos', () => {
    for (const text of ['0', '7', '0.1', '123456789.987654321', '-0.5']) {
      expect(formatNanos(parseDecimalToNanos(text)!)).toBe(text);
    }
  });
});

describe('toBigInt', () => {
  it('reads the strings PostgreSQL returns for sums, and nulls as zero', () => {
    expect(toBigInt('9007199254740993')).toBe(9_007_199_254_740_993n);
    expect(toBigInt(42)).toBe(42n);
    expect(toBigInt(7n)).toBe(7n);
    expect(toBigInt(null)).toBe(0n);
    expect(toBigInt(undefined)).toBe(0n);
  });
});

describe('CostTotals', () => {
  it('keeps currencies apart and lists them sorted', () => {
    const totals = new CostTotals();
    totals.add('USD', 100_000_000n);
    totals.add('CNY', 3_000_000_000n);
    totals.add('USD', 200_000_000n);
    const more = new CostTotals();
    more.add('USD', 1n);
    more.add('EUR', 5n);
    totals.addAll(more);
    expect(totals.nanos('USD')).toBe(300_000_001n);
    expect(totals.nanos('GBP')).toBe(0n);
    expect(totals.dominantNanos()).toBe(3_000_000_000n);
    expect(totals.toAmounts()).toEqual([
      { currency: 'CNY', amount: '3' },
      { currency: 'EUR', amount: '0.000000005' },
      { currency: 'USD', amount: '0.300000001' },
    ]);
  });

  it('has no dominant amount when empty', () => {
    expect(new CostTotals().dominantNanos()).toBe(0n);
    expect(new CostTotals().toAmounts()).toEqual([]);
  });
});

describe('sumCostsByCurrency', () => {
  it('adds decimal strings exactly and keeps currencies apart', () => {
    expect(
      sumCostsByCurrency([
        { currency: 'USD', amount: '0.1' },
        { currency: 'CNY', amount: '12.5' },
        { currency: 'USD', amount: '0.2' },
        { currency: 'USD', amount: '-0.000000001' },
      ]),
    ).toEqual([
      { currency: 'CNY', amount: '12.5' },
      { currency: 'USD', amount: '0.299999999' },
    ]);
  });

  it('counts an amount that is not a decimal as zero', () => {
    expect(
      sumCostsByCurrency([
        { currency: 'USD', amount: 'NaN' },
        { currency: 'USD', amount: '1.5' },
      ]),
    ).toEqual([{ currency: 'USD', amount: '1.5' }]);
  });

  it('returns nothing for nothing', () => {
    expect(sumCostsByCurrency([])).toEqual([]);
  });
});
