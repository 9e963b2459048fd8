import { ReactNode } from 'react';
import { Progress } from '@backstage/core-components';
import { QueryErrorPanel } from './QueryErrorPanel';

/** @internal */
export interface QueryContentProps<T> {
  query: { value?: T; error?: Error; retry: () => void };
  /** Shown before the first value; a progress bar by default. */
  loading?: ReactNode;
  /** With `empty`: whether the value has nothing to show. */
  isEmpty?: (value: T) => boolean;
  empty?: ReactNode;
  children: (value: T) => ReactNode;
}

/**
 * The states of a loaded view in one place: the error with a retry, the
 * first load, nothing to show, then the content. A reload keeps the old
 * value on screen (the card shows a thin busy bar instead).
 */
export function QueryContent<T>({
  query,
  loading,
  isEmpty,
  empty,
  children,
}: QueryContentProps<T>) {
  if (query.error) {
    return <QueryErrorPanel error={query.error} onRetry={query.retry} />;
  }
  if (query.value === undefined) {
    return <>{loading ?? <Progress />}</>;
  }
  if (empty !== undefined && isEmpty?.(query.value)) {
    return <>{empty}</>;
  }
  return <>{children(query.value)}</>;
}

/**
 * {@link QueryContent} of a list response: `empty` stands in for a list
 * without items.
 */
export function ItemsQueryContent<T extends { items: readonly unknown[] }>(
  props: Omit<QueryContentProps<T>, 'isEmpty'>,
) {
  return (
    <QueryContent {...props} isEmpty={value => value.items.length === 0} />
  );
}
