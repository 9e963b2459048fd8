import { Grid, GridProps } from '@material-ui/core';
import { StatCard, StatCardProps } from './StatCard';

/** @internal */
export interface StatCardItem extends Omit<StatCardProps, 'loading'> {
  /** Unique among the cards of a row. */
  id: string;
}

/**
 * Headline cards as items of the caller's grid container, each `size` wide;
 * all show a skeleton while `loading`.
 */
export function StatCardGridItems(props: {
  /** In order; `false` leaves a conditional card out. */
  cards: Array<StatCardItem | false>;
  loading?: boolean;
  size: Pick<GridProps, 'xs' | 'sm' | 'md' | 'lg'>;
}) {
  const { cards, loading, size } = props;
  return (
    <>
      {cards.map(
        card =>
          card && (
            <Grid item key={card.id} {...size}>
              <StatCard {...card} loading={loading} />
            </Grid>
          ),
      )}
    </>
  );
}
