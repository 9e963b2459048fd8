import { ResponseError } from '@backstage/errors';
import { errorMessage } from './errors';

describe('errorMessage', () => {
  it("prefers the server's message to the status line of a failed request", async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'NotAllowedError',
          message:
            'Not allowed: llm-usage.keys.manage on a key owned by nobody',
        },
        request: { method: 'POST', url: '/keys' },
        response: { statusCode: 403 },
      }),
      {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response);
    expect(error.message).toContain('403');
    expect(errorMessage(error)).toBe(
      'Not allowed: llm-usage.keys.manage on a key owned by nobody',
    );
  });

  it('falls back to the message of any other error, or the thrown value', () => {
    expect(errorMessage(new Error('offline'))).toBe('offline');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage({ body: { error: { message: '' } } })).toBe(
      '[object Object]',
    );
  });
});
