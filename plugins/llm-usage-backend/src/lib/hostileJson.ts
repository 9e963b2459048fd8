import { InputError } from '@backstage/errors';

/** Deeper than this, a body is refused: no route takes more than a few levels. */
export const MAX_BODY_DEPTH = 64;

const pathText = (path: Array<string | number>) =>
  path
    .slice(0, 8)
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${part}`,
    )
    .join('') + (path.length > 8 ? '…' : '');

/**
 * What a parsed JSON body must not hold, as an InputError naming the field:
 * a NUL character in a key or string (PostgreSQL refuses it in text and
 * jsonb), or nesting deeper than MAX_BODY_DEPTH (recursive code further on
 * would exhaust the stack). Walked with an explicit stack for that reason.
 */
export function hostileJsonError(body: unknown): InputError | undefined {
  const stack: Array<{ value: unknown; path: Array<string | number> }> = [
    { value: body, path: [] },
  ];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) {
        return new InputError(
          `Invalid field '${
            pathText(path) || 'body'
          }': must not contain a NUL character`,
        );
      }
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (path.length >= MAX_BODY_DEPTH) {
      return new InputError(
        `Invalid field '${pathText(
          path,
        )}': nested deeper than ${MAX_BODY_DEPTH} levels`,
      );
    }
    if (Array.isArray(value)) {
      value.forEach((inner, index) =>
        stack.push({ value: inner, path: [...path, index] }),
      );
      continue;
    }
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes('\u0000')) {
        return new InputError(
          `Invalid field '${pathText([
            ...path,
            key,
          ])}': must not contain a NUL character`,
        );
      }
      stack.push({ value: inner, path: [...path, key] });
    }
  }
  return undefined;
}
