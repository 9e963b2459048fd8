/**
 * Start of the UTC calendar month `offset` months after the one `now` falls
 * in (0: its own month, -1: the month before, 1: the next one). Budgets,
 * month-to-date provider usage and monthly digests all count UTC months.
 */
export function monthStartOf(now: number, offset = 0): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1);
}
