import { InputError } from '@backstage/errors';
import express, { type RequestHandler } from 'express';
import { hostileJsonError } from '../lib/hostileJson';

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed %-encoding is the router's to refuse
  }
}

/** The name of the first query value holding a NUL character, if any. */
function queryNameWithNul(value: unknown, name: string): string | undefined {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? name : undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = queryNameWithNul(inner, name ? `${name}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * PostgreSQL can neither store nor compare a NUL character in text, so a NUL
 * in a path or query value is refused up front with a 400 naming where it
 * is, instead of failing inside SQL.
 */
export const rejectNulCharacters: RequestHandler = (req, _res, next) => {
  if (
    req.path.split('/').some(segment => decoded(segment).includes('\u0000'))
  ) {
    next(
      new InputError(
        `Invalid path '${req.path}': must not contain a NUL character`,
      ),
    );
    return;
  }
  const name = queryNameWithNul(req.query, '');
  if (name) {
    next(
      new InputError(
        `Invalid query parameter '${name}': must not contain a NUL character`,
      ),
    );
    return;
  }
  next();
};

/** Refuses a parsed JSON body holding a NUL character or nested too deep. */
export const rejectHostileJson: RequestHandler = (req, _res, next) => {
  next(hostileJsonError(req.body));
};

/** express.json followed by rejectHostileJson: every JSON route parses with this. */
export function jsonBody(options?: Parameters<typeof express.json>[0]) {
  return [express.json(options), rejectHostileJson];
}
