import { createNumberFormatters, intlLocale } from './numberFormat';

describe('number formatting', () => {
  it('reads bare zh as Simplified Chinese and leaves other codes alone', () => {
    expect(intlLocale('zh')).toBe('zh-CN');
    expect(intlLocale('zh-Hant')).toBe('zh-Hant');
    expect(intlLocale('pt-BR')).toBe('pt-BR');
  });

  it('writes whole numbers with the locale’s grouping', () => {
    expect(createNumberFormatters('en').integer(1234567.4)).toBe('1,234,567');
    expect(createNumberFormatters('de').integer(1234567)).toBe('1.234.567');
  });

  it('abbreviates large numbers in the locale’s style', () => {
    expect(createNumberFormatters('en').compact(123456)).toBe('123.5K');
    expect(createNumberFormatters('zh-CN').compact(123456)).toBe('12.3万');
    expect(createNumberFormatters('ja').compact(123456789)).toBe('1.2億');
  });

  it('writes ratios as percentages, signed where a change is meant', () => {
    const en = createNumberFormatters('en');
    expect(en.percent(0.853)).toBe('85.3%');
    expect(createNumberFormatters('de').percent(0.853)).toBe('85,3\u00a0%');
    expect(en.signedPercent(0.125)).toBe('+12.5%');
    expect(en.signedPercent(-0.03)).toBe('-3%');
    expect(en.signedPercent(0)).toBe('0%');
  });

  it('signs changes and keeps one decimal', () => {
    const en = createNumberFormatters('en');
    expect(en.signedNumber(1.54)).toBe('+1.5');
    expect(en.signedNumber(-2)).toBe('-2');
    expect(en.signedNumber(0)).toBe('0');
  });
});
