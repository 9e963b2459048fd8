export { ProviderHttpClient } from './ProviderHttpClient';
export type {
  OutgoingProviderRequest,
  ProviderErrorResponse,
  ProviderHttpClientOptions,
  ProviderHttpMethod,
  ProviderQueryValue,
  ProviderRequestOptions,
} from './ProviderHttpClient';
export { DEFAULT_RETRY_POLICY } from './retryPolicy';
export type { RetryPolicy } from './retryPolicy';
export { paginate } from './paginate';
export type { PaginateOptions } from './paginate';
export {
  lastIdPageSchema,
  nextPageTokenPageSchema,
  requestAllAfterLastId,
  requestAllByNextPage,
} from './pages';
export type {
  LastIdPage,
  NextPageTokenPage,
  PagedRequestOptions,
} from './pages';
export {
  ProviderApiClient,
  bearerAuth,
  createProviderHttpClient,
  defineApiProvider,
  endpointAt,
  providerClientOptions,
  requiredSecret,
} from './providerClient';
export type {
  ApiProviderDefinition,
  ProviderApiDefinition,
  ProviderClientOptions,
} from './providerClient';
export {
  addDecimals,
  centsToUnits,
  decimalFromNumber,
  decimalStringSchema,
  normalizeDecimal,
  subtractDecimals,
} from './amounts';
export {
  addDays,
  dateRangeToSeconds,
  isDayInRange,
  recordsOfDailyBuckets,
  utcDayOfSeconds,
  utcDayStartSeconds,
} from './days';
export { mergeCostRecords, mergeUsageRecords } from './records';
export {
  dailyReportPageSchema,
  requestDailyCosts,
  requestDailyUsage,
} from './dailyReports';
export type { DailyReportOptions, DailyReportPageSchema } from './dailyReports';
