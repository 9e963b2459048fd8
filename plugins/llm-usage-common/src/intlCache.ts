/** Building an Intl.NumberFormat costs more than using one: tables reuse them. */
const formatCache = new Map<string, Intl.NumberFormat>();

/** The number format for a locale and options, built once. */
export function cachedNumberFormat(
  locale: string,
  options: Intl.NumberFormatOptions,
): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = formatCache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    formatCache.set(key, format);
  }
  return format;
}
