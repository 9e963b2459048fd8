/** A URL param if it is one of `allowed`, else the default. */
export function oneOf<T extends string>(
  value: string | null,
  allowed: readonly T[],
  fallback: T,
): T {
  return (allowed as readonly string[]).includes(value ?? '')
    ? (value as T)
    : fallback;
}

/** A non-negative integer URL param, else the default. */
export function nonNegativeInt(value: string | null, fallback: number): number {
  const parsed = Number(value);
  return value !== null && Number.isInteger(parsed) && parsed >= 0
    ? parsed
    : fallback;
}
