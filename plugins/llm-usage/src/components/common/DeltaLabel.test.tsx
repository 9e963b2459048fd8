import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { overview, totals } from '../../__testUtils__/fixtures';
import { deltasAgainst, periodHasData } from '../../lib/deltas';
import { OverviewCards } from '../dashboard/OverviewCards';

const thirtyDays = {
  calls: 400,
  successCalls: 390,
  failedCalls: 10,
  totalTokens: 90_000,
  costs: [
    { currency: 'USD', amount: '12.5' },
    { currency: 'CNY', amount: '40' },
  ],
  successRate: 0.975,
};

describe('deltasAgainst', () => {
  it('compares as usual when the previous period has data', () => {
    const { countDelta, costDeltas } = deltasAgainst(totals({ calls: 100 }));
    expect(countDelta(150, 100)).toEqual({ kind: 'relative', ratio: 0.5 });
    // A currency the previous period did not have is still new.
    expect(costDeltas([{ currency: 'EUR', amount: '3' }], [])[0].delta).toEqual(
      { kind: 'new' },
    );
  });

  it('says there is no earlier data when the previous period is empty, once for the costs', () => {
    const { countDelta, rateDelta, costDeltas } = deltasAgainst(totals());
    expect(countDelta(150, 0)).toEqual({ kind: 'noEarlierData' });
    expect(rateDelta(0.9, null)).toEqual({ kind: 'noEarlierData' });
    expect(costDeltas(thirtyDays.costs, [])).toEqual([
      {
        cost: { currency: 'CNY', amount: '40' },
        delta: { kind: 'noEarlierData' },
      },
    ]);
  });

  it('counts processing calls, tokens or costs alone as data', () => {
    expect(periodHasData(totals())).toBe(false);
    expect(periodHasData(totals({ processingCalls: 1 }))).toBe(true);
    expect(periodHasData(totals({ totalTokens: 5 }))).toBe(true);
    expect(
      periodHasData(totals({ costs: [{ currency: 'USD', amount: '1' }] })),
    ).toBe(true);
  });
});

describe('DeltaLabel in the overview cards', () => {
  it('reads "no earlier data to compare" on every card instead of "new"', async () => {
    await renderInTestApp(<OverviewCards overview={overview(thirtyDays)} />);
    const cards = screen.getByTestId('overview-cards');
    expect(
      within(cards).getAllByText('no earlier data to compare'),
    ).toHaveLength(4);
    expect(within(cards).queryByText('new')).not.toBeInTheDocument();
    expect(
      within(cards).queryByText('vs previous period'),
    ).not.toBeInTheDocument();
  });

  it('shows the change against a previous period that has data', async () => {
    await renderInTestApp(
      <OverviewCards
        overview={overview(thirtyDays, { ...thirtyDays, calls: 200 })}
      />,
    );
    const cards = screen.getByTestId('overview-cards');
    expect(cards).toHaveTextContent('+100%');
    // Calls, tokens, one per currency and the success rate.
    expect(within(cards).getAllByText('vs previous period')).toHaveLength(5);
    expect(
      within(cards).queryByText('no earlier data to compare'),
    ).not.toBeInTheDocument();
  });
});
