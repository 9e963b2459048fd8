import { InputError, NotAllowedError } from '@backstage/errors';
import { otlpErrorAnswer } from './otlpErrors';

describe('otlpErrorAnswer', () => {
  it('asks exporters to retry later when the database is overloaded', () => {
    const poolTimeout = Object.assign(
      new Error('Timeout acquiring a connection'),
      {
        name: 'KnexTimeoutError',
      },
    );
    const tooManyConnections = Object.assign(
      new Error('sorry, too many clients'),
      {
        code: '53300',
      },
    );
    for (const error of [poolTimeout, tooManyConnections]) {
      expect(otlpErrorAnswer(error)).toEqual({
        status: 503,
        grpcCode: 14,
        message: 'The backend is busy; retry later',
        retryAfterSeconds: 5,
      });
    }
  });

  it('names bad input and refusals with their codes', () => {
    expect(otlpErrorAnswer(new InputError('bad spanId'))).toEqual({
      status: 400,
      grpcCode: 3,
      message: 'bad spanId',
    });
    expect(
      otlpErrorAnswer(new NotAllowedError('users may not ingest')),
    ).toMatchObject({
      status: 403,
      grpcCode: 7,
    });
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
    });
    expect(otlpErrorAnswer(tooLarge)).toMatchObject({
      status: 413,
      grpcCode: 8,
    });
  });

  it('never echoes an unexpected error, which may hold SQL', () => {
    const answer = otlpErrorAnswer(
      new Error('insert into "llm_usage_calls" ... violates constraint'),
    );
    expect(answer).toEqual({
      status: 500,
      grpcCode: 13,
      message: 'Internal error',
    });
  });
});
