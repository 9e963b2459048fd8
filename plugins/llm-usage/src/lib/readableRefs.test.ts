import { readableAuditTarget, readableEntityRef } from './readableRefs';

describe('readableEntityRef', () => {
  it('drops the default namespace and the kind the label already names', () => {
    expect(readableEntityRef('group:default/growth-team')).toBe('growth-team');
    expect(readableEntityRef('user:ops/jane')).toBe('ops/jane');
  });

  it('leaves what is not a catalog ref as it is', () => {
    expect(readableEntityRef('plugin:llm-usage')).toBe('plugin:llm-usage');
    expect(readableEntityRef('7f0c6c1e-6a55-4c1b-9d1e-3f2b2e7c9a10')).toBe(
      '7f0c6c1e-6a55-4c1b-9d1e-3f2b2e7c9a10',
    );
  });
});

describe('readableAuditTarget', () => {
  const targetId = '7f0c6c1e-6a55-4c1b-9d1e-3f2b2e7c9a10';

  it('names the target from its snapshot after the change, then before', () => {
    expect(
      readableAuditTarget({
        targetId,
        before: { name: 'old' },
        after: { name: 'new' },
      }),
    ).toBe('new');
    expect(
      readableAuditTarget({
        targetId,
        before: { name: 'deleted key' },
        after: null,
      }),
    ).toBe('deleted key');
  });

  it('falls back to the id when no snapshot has a name', () => {
    expect(
      readableAuditTarget({ targetId, before: null, after: { enabled: true } }),
    ).toBe(targetId);
  });
});
