import { ReactNode } from 'react';
import Skeleton from '@material-ui/lab/Skeleton';
import { EmptyState } from '@backstage/core-components';
import { ItemsQueryContent, QueryContentProps } from './QueryContent';
import { SectionCard } from './SectionCard';

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
    <ItemsQueryContent
      query={query}
      loading={<Skeleton variant="rect" height={160} />}
      empty={
        <EmptyState
          missing="content"
          title={emptyTitle}
          description={emptyDescription}
        />
      }
    >
      {children}
    </ItemsQueryContent>
  );
}

/** @internal */
export interface ItemListCardProps<T extends { items: readonly unknown[] }>
  extends ItemListContentProps<T> {
  query: ItemListContentProps<T>['query'] & { loading: boolean };
  title: ReactNode;
  subheader?: ReactNode;
  /** A change in progress; a reload of a shown list counts as busy too. */
  busy?: boolean;
  toolbar?: ReactNode;
  /** Test id of the card's content. */
  testId?: string;
}

/** A list in its card, with the list's states and a busy bar. */
export function ItemListCard<T extends { items: readonly unknown[] }>(
  props: ItemListCardProps<T>,
) {
  const { title, subheader, busy, toolbar, testId, ...content } = props;
  const { query } = content;
  return (
    <SectionCard
      title={title}
      subheader={subheader}
      busy={(query.loading && !!query.value) || busy}
      toolbar={toolbar}
      testId={testId}
    >
      <ItemListContent {...content} />
    </SectionCard>
  );
}
