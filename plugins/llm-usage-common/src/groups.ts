import type {
  CostAmount,
  ProjectListQuery,
  ProjectListResponse,
} from './types';

/**
 * `GET /groups/:namespace/:name/projects`: the usage of the projects whose
 * Component the Group owns, filtered, sorted and paged on the server as
 * `GET /usage/projects` is.
 *
 * @public
 */
export type GroupProjectsQuery = ProjectListQuery;

/** @public */
export interface GroupProjectsResponse extends ProjectListResponse {
  /** The Group, as a lower-case entity ref. */
  groupRef: string;
}

/** `GET /groups/:namespace/:name/spend`. @public */
export interface GroupSpendQuery {
  offset?: number;
  limit?: number;
}

/**
 * Month-to-date spend of the keys one member owns, as the providers report
 * it, summed over every key of theirs the caller may read.
 *
 * @public
 */
export interface MemberSpend {
  /** Lower-case entity ref of the member (usually a User). */
  ownerRef: string;
  keys: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  requests: number;
  costs: CostAmount[];
}

/**
 * Spend per member of a Group, most tokens first; only members owning at
 * least one key the caller may read are listed.
 *
 * @public
 */
export interface GroupSpendResponse {
  groupRef: string;
  /** Start of the current UTC month (ISO 8601): the spend is counted from it. */
  monthStart: string;
  items: MemberSpend[];
  totalCount: number;
  offset: number;
  limit: number;
}
