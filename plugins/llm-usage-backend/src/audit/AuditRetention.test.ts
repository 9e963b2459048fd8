import {
  createTestDatabases,
  migratedStores,
} from '../__testUtils__/databases';
import { AUDIT_EVENTS_TABLE } from './AuditLog';
import { AuditRetention } from './AuditRetention';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25);

describe.each(databases.eachSupportedId())('AuditRetention on %p', id => {
  it('deletes events older than the retention period and keeps the rest', async () => {
    const knex = await databases.init(id);
    await migratedStores(knex);
    const ages = [400, 91, 89, 1];
    await knex(AUDIT_EVENTS_TABLE).insert(
      ages.map(age => ({
        id: `e${age}`,
        occurred_at: NOW - age * DAY,
        actor_ref: 'user:default/alice',
        action: 'budget.update',
        target_type: 'budget',
        target_id: 'b1',
      })),
    );
    expect(await new AuditRetention(knex, 90).run(NOW)).toBe(2);
    const left = await knex(AUDIT_EVENTS_TABLE).orderBy('id').pluck('id');
    expect(left).toEqual(['e1', 'e89']);
    expect(await new AuditRetention(knex, 90).run(NOW)).toBe(0);
  });
});
