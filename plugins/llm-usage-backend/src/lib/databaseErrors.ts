/**
 * The database conditions the plugin reacts to, named once: PostgreSQL's
 * SQLSTATE codes, better-sqlite3's and Node's socket codes, and Knex's pool
 * timeout. Errors are read by shape, since a native driver's errors may come
 * from another realm.
 */

/** SQLSTATE codes (PostgreSQL Appendix A) and driver codes we classify. */
export const DATABASE_ERROR_CODES = {
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  tooManyConnections: '53300',
  lockNotAvailable: '55P03',
  checkViolation: '23514',
  cannotConnectNow: '57P03',
  sqliteBusy: 'SQLITE_BUSY',
} as const;

/**
 * Code prefixes of a lost or refused connection: SQLSTATE class 08
 * (connection exception), 57P0x (operator intervention: shutdown, cannot
 * connect now, database dropped, idle timeout), and Node's ECONNRESET,
 * ECONNREFUSED, EPIPE and ETIMEDOUT.
 */
const CONNECTION_LOST_CODE = /^(08|57P0|E(CONN|PIPE|TIMEDOUT))/;
const CONNECTION_LOST_MESSAGE =
  /connection (terminated|ended)|ECONNRESET|ECONNREFUSED/i;

/** Knex's error when no pooled connection came free in time. */
const POOL_TIMEOUT = 'KnexTimeoutError';

const C = DATABASE_ERROR_CODES;

function shapeOf(error: unknown) {
  const { code, name, message } = (error ?? {}) as Record<string, unknown>;
  return {
    code: typeof code === 'string' ? code : undefined,
    name,
    message: String(message),
  };
}

/** The SQLSTATE or driver code of a database error, if it has one. */
export function errorCodeOf(error: unknown): string | undefined {
  return shapeOf(error).code;
}

/**
 * PostgreSQL broke a lock cycle or a serialization conflict the transaction
 * was in; it was rolled back, so running it again is safe.
 */
export function isRetryableConflict(error: unknown): boolean {
  const { code } = shapeOf(error);
  return code === C.deadlockDetected || code === C.serializationFailure;
}

/**
 * Conditions that pass on their own (a full pool or server, a lock that could
 * not be taken, a conflict): the caller may be asked to retry later.
 */
const OVERLOAD_CODES: ReadonlySet<string> = new Set([
  C.tooManyConnections,
  C.cannotConnectNow,
  C.lockNotAvailable,
  C.serializationFailure,
  C.deadlockDetected,
  C.sqliteBusy,
]);

export function isDatabaseOverload(error: unknown): boolean {
  const { code, name } = shapeOf(error);
  return name === POOL_TIMEOUT || (!!code && OVERLOAD_CODES.has(code));
}

/**
 * The database cannot be reached at all: nothing about the work is wrong, so
 * a rollup stops as a whole and leaves its hours dirty for the next run
 * instead of recording them as failed.
 */
export function isDatabaseOutage(error: unknown): boolean {
  const { code, name, message } = shapeOf(error);
  return (
    (!!code && CONNECTION_LOST_CODE.test(code)) ||
    name === POOL_TIMEOUT ||
    CONNECTION_LOST_MESSAGE.test(message)
  );
}
