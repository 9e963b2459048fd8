import type { AuditEvent } from '@llm-usage/backstage-plugin-llm-usage-common';
import { describeChanges } from './KeyDetailDrawer';

const event = (before: unknown, after: unknown): AuditEvent => ({
  id: 'e1',
  occurredAt: '2026-12-01T10:00:00.000Z',
  actorRef: 'user:default/jane',
  action: 'key.update',
  targetType: 'key',
  targetId: 'k1',
  before,
  after,
});

describe('describeChanges', () => {
  it('lists only the fields that changed', () => {
    expect(
      describeChanges(
        event({ name: 'a', note: 'x' }, { name: 'b', note: 'x' }),
      ),
    ).toEqual(['name: "a" → "b"']);
  });

  it('names tag ids by their tags and keeps unknown ids', () => {
    const names = new Map([
      ['6955a413-d12d-4cd6-84b6-11fe3ebc0607', 'staging'],
    ]);
    expect(
      describeChanges(
        event(
          { tagIds: [] },
          { tagIds: ['6955a413-d12d-4cd6-84b6-11fe3ebc0607', 'gone-tag-id'] },
        ),
        names,
      ),
    ).toEqual(['tagIds: [] → ["staging", "gone-tag-id"]']);
  });
});
