import { ReactNode } from 'react';
import Skeleton from '@material-ui/lab/Skeleton';
import { EmptyState } from '@backstage/core-components';
import { QueryContent, QueryContentProps } from './QueryContent';

/** @internal */
export interface ItemListContentProps<T extends { items: readonly unknown[] }> {
  query: QueryContentProps<T>['query'];
  emptyTitle: string;
  emptyDescription: string;
  children: (value: T) => ReactNode;
}

/**
 * A settings list's states: the error with a retry, a placeholder the size of
 * a short table while it loads, and an explained empty state when the list
 * has no items.
 */
export function ItemListContent<T extends { items: readonly unknown[] }>(
  props: ItemListContentProps<T>,
) {
  const { query, emptyTitle, emptyDescription, children } = props;
  return (
    <QueryContent
      query={query}
      loading={<Skeleton variant="rect" height={160} />}
      isEmpty={value => value.items.length === 0}
      empty={
        <EmptyState
          missing="content"
          title={emptyTitle}
          description={emptyDescription}
        />
      }
    >
      {children}
    </QueryContent>
  );
}
