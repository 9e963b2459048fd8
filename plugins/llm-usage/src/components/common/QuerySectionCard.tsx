import { QueryContent, QueryContentProps } from './QueryContent';
import { SectionCard, SectionCardProps } from './SectionCard';

/** @internal */
export interface QuerySectionCardProps<T>
  extends Omit<SectionCardProps, 'children' | 'busy'>,
    QueryContentProps<T> {
  query: QueryContentProps<T>['query'] & { loading: boolean };
}

/**
 * A card showing one query: its states (error, first load, empty) in the
 * card, and the thin busy bar while a shown value reloads.
 */
export function QuerySectionCard<T>({
  title,
  subheader,
  toolbar,
  testId,
  ...content
}: QuerySectionCardProps<T>) {
  const { query } = content;
  return (
    <SectionCard
      title={title}
      subheader={subheader}
      toolbar={toolbar}
      testId={testId}
      busy={query.loading && Boolean(query.value)}
    >
      <QueryContent {...content} />
    </SectionCard>
  );
}
