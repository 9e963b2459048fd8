/**
 * A read started ahead of its use, which may never come (nothing needs it,
 * or the request fails first): its failure is reported where it is awaited,
 * never left as an unhandled rejection.
 */
export function readAhead<T>(read: Promise<T>): Promise<T> {
  read.catch(() => {});
  return read;
}
