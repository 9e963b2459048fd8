import { ReactNode } from 'react';
import { EmptyState } from '@backstage/core-components';
import type { CursorPages } from '../../hooks/useCursorPages';
import type { PolledQueryState } from '../../hooks/usePolledQuery';
import { CursorPager } from './CursorPager';
import { DataTable, DataTableColumn } from './DataTable';
import { LlmUsageLayout } from './LlmUsageLayout';
import type { PageSizeSelectProps } from './PageSizeSelect';
import { ItemsQueryContent } from './QueryContent';
import { SectionCard } from './SectionCard';

/** @internal */
export interface CursorListPageProps<T> {
  /** The page's, its browser tab's and its card's title. */
  title: string;
  subtitle: string;
  /** Test id of the card. */
  testId: string;
  /** Controls above the list; they wrap on narrow screens. */
  filters: ReactNode;
  /** The page shown, keyset-paged by `pages`. */
  query: PolledQueryState<{ items: T[]; nextCursor?: string | null }>;
  emptyTitle: string;
  columns: DataTableColumn[];
  /** The table row(s) of one item. */
  renderItem: (item: T) => ReactNode;
  pages: CursorPages;
  newerLabel: string;
  olderLabel: string;
  /** A page-size select before the paging buttons; without it the size is fixed. */
  pageSize?: PageSizeSelectProps;
  /** Rendered after the card, e.g. a drawer with one item's details. */
  children?: ReactNode;
}

/**
 * A page that is one filtered list read newest first, page by page: the
 * plugin's chrome, a card with the filters, the list's states (error, first
 * load, nothing found) and the newer/older buttons.
 */
export function CursorListPage<T>(props: CursorListPageProps<T>) {
  const { title, subtitle, testId, filters, query, emptyTitle } = props;
  return (
    <LlmUsageLayout title={title} pageTitle={title} subtitle={subtitle}>
      <SectionCard
        title={title}
        busy={query.loading && Boolean(query.value)}
        testId={testId}
        toolbar={filters}
      >
        <ItemsQueryContent
          query={query}
          empty={<EmptyState missing="data" title={emptyTitle} />}
        >
          {value => (
            <DataTable columns={props.columns}>
              {value.items.map(props.renderItem)}
            </DataTable>
          )}
        </ItemsQueryContent>
        <CursorPager
          pages={props.pages}
          nextCursor={query.value?.nextCursor}
          newerLabel={props.newerLabel}
          olderLabel={props.olderLabel}
          pageSize={props.pageSize}
        />
      </SectionCard>
      {props.children}
    </LlmUsageLayout>
  );
}
