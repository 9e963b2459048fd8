import { mockServices } from '@backstage/backend-test-utils';
import type { SignalPayload } from '@backstage/plugin-signals-node';
import type { LinkedEntity } from '@llm-usage/backstage-plugin-llm-usage-common';
import {
  createTestDatabases,
  makeCall,
  migratedStores,
} from '../__testUtils__/databases';
import type { ProjectDirectory } from '../visibility/ProjectDirectory';
import { CallSignals, SignallingCallStore } from './CallSignals';

function setup(
  directory: Map<string, LinkedEntity> | Error,
  adminRefs?: string[],
) {
  const published: SignalPayload[] = [];
  const projects = {
    projects: async () => {
      if (directory instanceof Error) throw directory;
      return directory;
    },
  } as unknown as ProjectDirectory;
  const signals = new CallSignals({
    signals: {
      publish: async signal => {
        published.push(signal);
      },
    },
    projects,
    logger: mockServices.logger.mock(),
    adminRefs,
    delayMs: 10_000,
  });
  return { signals, published };
}

const owned = (ownerRefs: string[]): LinkedEntity => ({
  entityRef: 'component:default/x',
  ownerRefs,
});

describe('CallSignals', () => {
  it('sends each recipient only the projects they can see, one publish per set', async () => {
    const { signals, published } = setup(
      new Map([
        ['alpha', owned(['group:default/team-a'])],
        ['beta', owned(['group:default/team-b'])],
      ]),
      ['group:default/platform'],
    );
    signals.callsLanded([
      makeCall({ projectId: 'alpha', userRef: 'user:default/alice' }),
      makeCall({ projectId: 'beta', userRef: 'user:default/bob' }),
    ]);
    signals.callsLanded([
      makeCall({ projectId: 'alpha', userRef: 'user:default/Bob' }),
    ]);
    expect(published).toEqual([]); // coalesced until the delay or a flush
    await signals.flush();
    const byMessage = Object.fromEntries(
      published.map(s => [
        JSON.stringify(s.message),
        (s.recipients as { entityRef: string[] }).entityRef,
      ]),
    );
    expect(byMessage).toEqual({
      '{"type":"calls","projectIds":["alpha"]}': [
        'group:default/team-a',
        'user:default/alice',
      ],
      '{"type":"calls","projectIds":["beta"]}': ['group:default/team-b'],
      // bob called in both; admins see both.
      '{"type":"calls","projectIds":["alpha","beta"]}': [
        'group:default/platform',
        'user:default/bob',
      ],
    });
    expect(published.every(s => s.channel === 'llm-usage')).toBe(true);
    await signals.flush();
    expect(published).toHaveLength(3);
  });

  it('names no projects when too many changed at once', async () => {
    const { signals, published } = setup(new Map());
    signals.callsLanded(
      Array.from({ length: 60 }, (_, i) =>
        makeCall({ projectId: `p${i}`, userRef: 'user:default/gateway-user' }),
      ),
    );
    await signals.flush();
    expect(published.map(s => s.message)).toEqual([{ type: 'calls' }]);
  });

  it('still tells the callers when the catalog cannot be read', async () => {
    const { signals, published } = setup(new Error('catalog down'));
    signals.callsLanded([makeCall({ projectId: 'alpha' })]);
    await signals.flush();
    expect(published.map(s => s.recipients)).toEqual([
      { type: 'user', entityRef: ['user:default/alice'] },
    ]);
  });
});

describe('SignallingCallStore', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'stores through the store it wraps and signals only calls that changed something, %p',
    async databaseId => {
      const { calls } = await migratedStores(await databases.init(databaseId));
      const { signals, published } = setup(new Map());
      const store = new SignallingCallStore(calls, signals);
      const call = makeCall({
        projectId: 'alpha',
        userRef: 'user:default/ann',
      });

      expect(await store.ingest([call])).toMatchObject({ inserted: 1 });
      await signals.flush();
      expect(published).toEqual([
        expect.objectContaining({
          recipients: { type: 'user', entityRef: ['user:default/ann'] },
          message: { type: 'calls', projectIds: ['alpha'] },
        }),
      ]);

      // A resent batch stores nothing, so nobody is told to reload.
      expect(await store.ingest([call])).toMatchObject({
        inserted: 0,
        completed: 0,
      });
      await signals.flush();
      expect(published).toHaveLength(1);

      // Reads go to the wrapped store.
      const scope = { kind: 'all' } as const;
      expect(await store.hasVisibleCalls(scope, 'alpha')).toBe(true);
      const page = await store.list(
        { scope, from: 0, to: Date.UTC(2030, 0, 1) },
        'time',
        'desc',
        10,
      );
      expect(page.items.map(item => item.id)).toEqual([call.id]);
    },
  );
});
