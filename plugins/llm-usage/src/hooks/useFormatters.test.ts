import { createFormatters } from './useFormatters';

const usd = (amount: string) => ({ amount, currency: 'USD' });

describe('createFormatters', () => {
  it('writes latency in ms below a second and in seconds above, in one style', () => {
    const en = createFormatters('en');
    expect(en.duration(961)).toBe('961 ms');
    // CLDR's short units: one style for both, spaced as each language does.
    expect(en.duration(1590)).toBe('1.59 sec');
    expect(en.duration(null)).toBe('—');
    expect(createFormatters('de').duration(1590)).toBe('1,59 Sek.');
    expect(createFormatters('zh-CN').duration(961)).toBe('961毫秒');
  });

  it('gives a latency column one unit', () => {
    const column = createFormatters('en').durationColumn([961, 1590, null]);
    expect([column(961), column(1590), column(null)]).toEqual([
      '0.96 sec',
      '1.59 sec',
      '—',
    ]);
    const fast = createFormatters('en').durationColumn([12, 961]);
    expect(fast(12)).toBe('12 ms');
  });

  it('gives a money column one precision per currency', () => {
    const format = createFormatters('en');
    const costs = [usd('0'), usd('0.017048'), usd('1.5')];
    const column = format.moneyColumn(costs);
    expect(costs.map(column)).toEqual(['$0.000', '$0.017', '$1.500']);
    // A headline keeps its own precision.
    expect(format.money({ amount: '0.954154', currency: 'CNY' })).toBe(
      'CN¥0.95',
    );
  });

  it('abbreviates large numbers in the locale’s style', () => {
    expect(createFormatters('en').compact(123456)).toBe('123.5K');
    expect(createFormatters('zh-CN').compact(123456)).toBe('12.3万');
    expect(createFormatters('ja').compact(123456789)).toBe('1.2億');
    expect(createFormatters('de').integer(1234567)).toBe('1.234.567');
  });

  it('says how long ago something happened in the viewer’s language', () => {
    const now = Date.parse('2026-12-04T12:00:00Z');
    expect(
      createFormatters('en').relativeTime('2026-12-01T12:00:00Z', now),
    ).toBe('3 days ago');
    expect(
      createFormatters('ru').relativeTime('2026-12-01T12:00:00Z', now),
    ).toBe('3 дня назад');
    expect(createFormatters('en').relativeTime(null)).toBe('—');
  });
});
