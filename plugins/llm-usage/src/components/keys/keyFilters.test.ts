import {
  EMPTY_KEY_FILTERS,
  KeyFilters,
  filtersFromParams,
  filtersToParams,
  hasActiveFilters,
  toKeyListQuery,
} from './keyFilters';

function roundTrip(filters: KeyFilters): KeyFilters {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filtersToParams(filters))) {
    if (value !== undefined) params.set(name, value);
  }
  return filtersFromParams(new URLSearchParams(params.toString()));
}

describe('key filters', () => {
  it('survive a trip through the URL', () => {
    const filters: KeyFilters = {
      q: 'chat bot',
      providers: ['openai', 'volcengine'],
      accountIds: ['acc-1'],
      ownerRefs: ['group:default/ai-team', 'user:default/jane'],
      statuses: ['active', 'error'],
      expiry: ['expiring', 'expired'],
      tagIds: ['t1', 't2'],
      orphaned: true,
      createdFrom: '2025-01-01',
      createdTo: '2025-01-31',
      minMonthTokens: '1000',
      maxMonthTokens: '2000000',
      minMonthCost: '0.5',
      maxMonthCost: '120.25',
      sort: 'expiresAt',
      order: 'desc',
    };
    expect(roundTrip(filters)).toEqual(filters);
    expect(roundTrip(EMPTY_KEY_FILTERS)).toEqual(EMPTY_KEY_FILTERS);
  });

  it('leaves defaults out of the URL and drops unknown values', () => {
    expect(
      Object.values(filtersToParams(EMPTY_KEY_FILTERS)).filter(Boolean),
    ).toEqual([]);
    const parsed = filtersFromParams(
      new URLSearchParams('status=active,nope&sort=bogus&createdFrom=notaday'),
    );
    expect(parsed.statuses).toEqual(['active']);
    expect(parsed.sort).toBe('name');
    expect(parsed.createdFrom).toBeUndefined();
  });

  it('counts only narrowing filters as active', () => {
    expect(hasActiveFilters({ ...EMPTY_KEY_FILTERS, order: 'desc' })).toBe(
      false,
    );
    expect(hasActiveFilters({ ...EMPTY_KEY_FILTERS, orphaned: true })).toBe(
      true,
    );
  });

  it('turns the created days into an inclusive range of instants', () => {
    const query = toKeyListQuery({
      ...EMPTY_KEY_FILTERS,
      createdFrom: '2025-01-01',
      createdTo: '2025-01-31',
    });
    const from = new Date(query.createdFrom!);
    const to = new Date(query.createdTo!);
    expect(to.getTime() - from.getTime()).toBe(31 * 24 * 3600 * 1000);
  });
});
