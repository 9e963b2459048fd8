import { mockServices } from '@backstage/backend-test-utils';
import type { SignalPayload } from '@backstage/plugin-signals-node';
import type { LinkedEntity } from '@llm-usage/backstage-plugin-llm-usage-common';
import { makeCall } from '../__testUtils__/databases';
import type { ProjectDirectory } from '../visibility/ProjectDirectory';
import { CallSignals } from './CallSignals';

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
