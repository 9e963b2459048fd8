import {
  addDecimals,
  centsToUnits,
  decimalFromNumber,
  decimalStringSchema,
  normalizeDecimal,
  subtractDecimals,
} from './amounts';

describe('amounts', () => {
  it('keeps the digits of a JSON number amount, without float noise or rounding', () => {
    expect(decimalFromNumber(0.06)).toBe('0.06');
    expect(decimalFromNumber(25.5)).toBe('25.5');
    expect(decimalFromNumber(1e-7)).toBe('0.0000001');
    expect(decimalFromNumber(0.000123456789)).toBe('0.000123456789');
    expect(decimalFromNumber(12345678901234)).toBe('12345678901234');
    expect(decimalFromNumber(0)).toBe('0');
    expect(() => decimalFromNumber(Number.NaN)).toThrow(TypeError);
  });

  it('moves cents to units exactly', () => {
    expect(centsToUnits('123.78912')).toBe('1.2378912');
    expect(centsToUnits('123.45')).toBe('1.2345');
    expect(centsToUnits('5')).toBe('0.05');
    expect(centsToUnits('0')).toBe('0');
    expect(centsToUnits('98765432109876543210.123456789')).toBe(
      '987654321098765432.10123456789',
    );
    expect(() => centsToUnits('1e3')).toThrow(TypeError);
  });

  it('adds and subtracts exactly', () => {
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
    expect(addDecimals()).toBe('0');
    expect(subtractDecimals('100.5', '25.75')).toBe('74.75');
    expect(subtractDecimals('0.3', '0.1')).toBe('0.2');
    expect(subtractDecimals('1', '1.5')).toBe('-0.5');
  });

  it('normalises decimal strings', () => {
    expect(normalizeDecimal('77.10')).toBe('77.1');
    expect(normalizeDecimal('007')).toBe('7');
  });

  it('validates decimal strings', () => {
    expect(decimalStringSchema.safeParse('123.78912').success).toBe(true);
    expect(decimalStringSchema.safeParse('-1').success).toBe(true);
    for (const bad of ['1e5', '1,000.00', '', '.5', '$1', '1.']) {
      expect(decimalStringSchema.safeParse(bad).success).toBe(false);
    }
  });
});
