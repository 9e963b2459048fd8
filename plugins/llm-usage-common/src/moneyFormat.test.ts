import {
  currencyMinorDigits,
  formatMoney,
  moneyColumnDigits,
  moneyFractionDigits,
} from './moneyFormat';

const usd = (amount: string) => ({ amount, currency: 'USD' });
const cny = (amount: string) => ({ amount, currency: 'CNY' });

describe('money formatting', () => {
  it('keeps two significant digits below one unit and the currency decimals above', () => {
    expect(formatMoney('en', cny('0.954154'))).toBe('CN¥0.95');
    expect(formatMoney('en', usd('0.017048'))).toBe('$0.017');
    expect(formatMoney('en', usd('0.000123'))).toBe('$0.00012');
    expect(formatMoney('en', usd('1234.5'))).toBe('$1,234.50');
    expect(formatMoney('en', usd('0'))).toBe('$0.00');
    expect(formatMoney('en', { amount: '1234.5', currency: 'JPY' })).toBe(
      '¥1,235',
    );
  });

  it('rounds the decimal string exactly, not through a float', () => {
    // 0.145 is 0.14499999… as a double; the string rounds half-expand.
    expect(formatMoney('en', usd('1.145'))).toBe('$1.15');
    expect(formatMoney('en', usd('12345678901234.565'))).toBe(
      '$12,345,678,901,234.57',
    );
  });

  it('follows the locale: grouping, decimal mark and symbol position', () => {
    expect(formatMoney('de', usd('1234.5'))).toBe('1.234,50\u00a0$');
    expect(formatMoney('fr', cny('1234.5'))).toBe('1\u202f234,50\u00a0CNY');
    expect(formatMoney('zh-CN', cny('88.12'))).toBe('¥88.12');
    expect(formatMoney('ru', usd('0.017048'))).toBe('0,017\u00a0$');
  });

  it('writes large amounts compactly in the locale’s style when asked', () => {
    expect(formatMoney('en', usd('1234567'), { compact: true })).toBe('$1.23M');
    expect(formatMoney('zh-CN', cny('123456'), { compact: true })).toBe(
      '¥12.3万',
    );
    expect(
      formatMoney(
        'ja',
        { amount: '123456789', currency: 'JPY' },
        { compact: true },
      ),
    ).toBe('￥1.23億');
    // Small amounts are not abbreviated.
    expect(formatMoney('en', usd('999.5'), { compact: true })).toBe('$999.50');
  });

  it('gives one precision to a column of amounts per currency', () => {
    const column = [usd('0'), usd('0.017048'), usd('12.5'), cny('3.2')];
    const digits = moneyColumnDigits(column);
    expect(digits).toEqual(
      new Map([
        ['USD', 3],
        ['CNY', 2],
      ]),
    );
    expect(
      column.map(cost =>
        formatMoney('en', cost, { fractionDigits: digits.get(cost.currency) }),
      ),
    ).toEqual(['$0.000', '$0.017', '$12.500', 'CN¥3.20']);
  });

  it('writes a code Intl does not know after the number', () => {
    expect(formatMoney('en', { amount: '0.5', currency: 'CREDITS' })).toBe(
      '0.50 CREDITS',
    );
    expect(currencyMinorDigits('CREDITS')).toBe(2);
    expect(
      moneyFractionDigits({ amount: '0.0000000001', currency: 'USD' }),
    ).toBe(9);
  });
});
