import { mockServices } from '@backstage/backend-test-utils';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { annotatedComponent } from '../__testUtils__/usageBackend';
import { ProjectDirectory } from './ProjectDirectory';

describe('ProjectDirectory', () => {
  afterEach(() => jest.restoreAllMocks());

  it('asks the catalog again soon when it was still empty', async () => {
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const getEntities = jest
      .fn()
      .mockResolvedValueOnce({ items: [] })
      .mockResolvedValue({
        items: [annotatedComponent('svc', 'alpha', 'group:default/team-a')],
      });
    const directory = new ProjectDirectory(
      { getEntities } as unknown as CatalogService,
      mockServices.auth(),
    );

    expect((await directory.projects()).size).toBe(0);
    now += 1_000;
    expect((await directory.projects()).size).toBe(0);
    expect(getEntities).toHaveBeenCalledTimes(1);

    now += 5_000;
    expect(await directory.projectIdsOwnedBy(['group:default/team-a'])).toEqual(
      ['alpha'],
    );
    // A filled directory is kept for the whole TTL.
    now += 30_000;
    await directory.projects();
    expect(getEntities).toHaveBeenCalledTimes(2);
  });
});
