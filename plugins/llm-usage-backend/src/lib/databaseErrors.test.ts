import {
  isDatabaseOutage,
  isDatabaseOverload,
  isRetryableConflict,
} from './databaseErrors';

const withCode = (code: string) => Object.assign(new Error('x'), { code });
const named = (name: string) => Object.assign(new Error('x'), { name });

describe('database error classification', () => {
  it.each([
    ['deadlock', withCode('40P01'), true, true, false],
    ['serialization failure', withCode('40001'), true, true, false],
    ['too many connections', withCode('53300'), false, true, false],
    ['lock not available', withCode('55P03'), false, true, false],
    ['cannot connect now', withCode('57P03'), false, true, true],
    ['SQLite busy', withCode('SQLITE_BUSY'), false, true, false],
    ['pool timeout', named('KnexTimeoutError'), false, true, true],
    ['admin shutdown', withCode('57P01'), false, false, true],
    ['connection failure', withCode('08006'), false, false, true],
    ['refused socket', withCode('ECONNREFUSED'), false, false, true],
    ['broken pipe', withCode('EPIPE'), false, false, true],
    [
      'terminated',
      new Error('Connection terminated unexpectedly'),
      false,
      false,
      true,
    ],
    ['numeric overflow', withCode('22003'), false, false, false],
    ['unique violation', withCode('23505'), false, false, false],
    ['not an error', 'boom', false, false, false],
    ['nothing', undefined, false, false, false],
  ])('%s', (_what, error, conflict, overload, outage) => {
    expect(isRetryableConflict(error)).toBe(conflict);
    expect(isDatabaseOverload(error)).toBe(overload);
    expect(isDatabaseOutage(error)).toBe(outage);
  });

  it('reads errors by shape, whatever realm made them', () => {
    expect(isRetryableConflict({ code: '40P01' })).toBe(true);
    expect(isDatabaseOutage({ message: 'read ECONNRESET' })).toBe(true);
  });
});
