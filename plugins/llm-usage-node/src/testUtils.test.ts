import { captureLogger } from './testUtils';

describe('captureLogger', () => {
  it('keeps messages with the metadata of the logger and its children', () => {
    const { logger, lines } = captureLogger();
    logger.child({ provider: 'x' }).warn('slow', { attempt: 2 });
    expect(lines).toEqual([
      JSON.stringify(['slow', [undefined, { provider: 'x' }], { attempt: 2 }]),
    ]);
  });
});
