import { screen } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { mockLlmUsageApi } from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/render';
import { apiKey, keyListFrom } from '../keys/testData';
import { EntityLlmUsageCard } from './EntityLlmUsageCard';

jest.setTimeout(30_000);

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'ai-team' },
  spec: { type: 'team', children: [] },
};

describe('EntityLlmUsageCard', () => {
  it("sums a team's month spend over all its keys, page after page", async () => {
    // 1,200 keys at $1.25: more than one page of the API's 500.
    const keys = Array.from({ length: 1200 }, (_, i) => apiKey(`k${i}`));
    const listKeys = keyListFrom(keys);
    const api = mockLlmUsageApi({ listKeys });
    renderWithApi(
      <EntityProvider entity={team}>
        <EntityLlmUsageCard />
      </EntityProvider>,
      { api },
    );
    const card = await screen.findByTestId('entity-llm-usage-card');
    expect(await screen.findByText('$1,500.00')).toBeInTheDocument();
    expect(card).toHaveTextContent('1,200');
    expect(card).toHaveTextContent(
      "Spend of the team's keys this month, as providers report it",
    );
    const offsets = listKeys.mock.calls
      .map(([query]) => query)
      .filter(query => !query?.expiry)
      .map(query => query?.offset);
    expect(offsets).toEqual([0, 500, 1000]);
  });
});
