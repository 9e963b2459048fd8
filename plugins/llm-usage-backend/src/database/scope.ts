import type { Knex } from 'knex';
import type { VisibilityScope } from './types';

/** Restricts a query on any usage table to the rows the scope may see. */
export function applyScope(
  query: Knex.QueryBuilder,
  scope: VisibilityScope,
  columnPrefix = '',
): Knex.QueryBuilder {
  if (scope.kind === 'all') {
    return query;
  }
  return query.where(inner => {
    inner.where(`${columnPrefix}user_ref`, scope.userRef);
    if (scope.projectIds.length > 0) {
      inner.orWhereIn(`${columnPrefix}project_id`, scope.projectIds);
    }
  });
}
