import { sumCostsByCurrency } from './money';

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

  it('returns nothing for nothing', () => {
    expect(sumCostsByCurrency([])).toEqual([]);
  });
});
