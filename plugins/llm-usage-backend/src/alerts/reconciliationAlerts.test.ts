import { mockServices } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { DatabaseAccountStore } from '../accounts/DatabaseAccountStore';
import { DatabaseCallStore } from '../database/DatabaseCallStore';
import { MIGRATIONS_DIRECTORY } from '../database/migrations';
import { ProviderLedger } from '../quota/ProviderLedger';
import { Reconciliation } from '../reconciliation/Reconciliation';
import { CallRollup } from '../rollup/CallRollup';
import { DatabaseRollupStore } from '../rollup/DatabaseRollupStore';
import { createTestDatabases, makeCall } from '../__testUtils__/databases';
import { AlertEvaluator } from './AlertEvaluator';
import { DatabaseAlertRuleStore } from './DatabaseAlertRuleStore';
import { DatabaseAlertStore } from './DatabaseAlertStore';
import { KeyFacts, accountReader } from './facts';

jest.setTimeout(120_000);

const databases = createTestDatabases();

const DAY = 86_400_000;
const TODAY = Date.UTC(2026, 11, 4);
const NOW = TODAY + 12 * 3_600_000;
const USD = 1_000_000_000n;

/*
 * The reconciliation gap rule end to end: provider usage and recorded calls
 * in the database, the real reconciliation, the evaluator and the alert
 * store. Account acc-1 is billed 10 USD a day for the last three days while
 * its key's calls cost 8 USD a day: 20 % apart, beyond the default 5 % on
 * each of the default 3 days.
 */
describe.each(databases.eachSupportedId())(
  'reconciliation gap alerts on %p',
  id => {
    let knex: Knex;
    let calls = 0;
    const record = async (day: number, usd: bigint) => {
      await new DatabaseCallStore(knex).ingest([
        makeCall({
          id: `c${++calls}`,
          apiKeyId: 'pk-1',
          occurredAt: day + 3_600_000,
          costNanos: usd * USD,
        }),
      ]);
      await new CallRollup(new DatabaseRollupStore(knex)).run(NOW);
    };

    beforeAll(async () => {
      knex = await databases.init(id);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      await knex('llm_usage_accounts').insert({
        id: 'acc-1',
        provider: 'openai',
        name: 'OpenAI prod',
        owner_ref: 'group:default/platform',
        source: 'api',
        created_at: 1,
        updated_at: 1,
      });
      await knex('llm_usage_keys').insert({
        id: 'k1',
        account_id: 'acc-1',
        provider: 'openai',
        provider_key_id: 'pk-1',
        name: 'ci-bot',
        status: 'active',
        source: 'provider',
        created_at: 1,
        updated_at: 1,
      });
      for (const back of [1, 2, 3]) {
        await knex('llm_usage_provider_usage').insert({
          account_id: 'acc-1',
          day_start: TODAY - back * DAY,
          provider_key_id: 'pk-1',
          model: 'gpt-4o',
          provider_project_id: '',
          currency: 'USD',
          cost_nanos: (10n * USD).toString(),
          synced_at: 1,
        });
        await record(TODAY - back * DAY, 8n);
      }
    });

    function evaluator() {
      const alerts = new DatabaseAlertStore(knex);
      return {
        alerts,
        evaluator: new AlertEvaluator({
          alerts,
          rules: new DatabaseAlertRuleStore(knex),
          keys: new KeyFacts(knex),
          accounts: accountReader(
            new DatabaseAccountStore(knex),
            new ProviderLedger(knex),
          ),
          projectUsage: { monthUsage: async () => new Map() },
          projects: { entityOf: async () => undefined },
          reconciliation: new Reconciliation(knex),
          delivery: { deliver: async () => undefined },
          logger: mockServices.logger.mock(),
          clock: () => NOW,
        }),
      };
    }

    it('opens once the gap lasts the rule’s days and resolves when a day comes back inside', async () => {
      const { alerts, evaluator: first } = evaluator();
      const opened = await first.evaluate();
      const gaps = opened.opened.filter(a => a.type === 'reconciliation_gap');
      expect(gaps).toHaveLength(1);
      expect(gaps[0]).toMatchObject({
        severity: 'warning',
        target: { type: 'account', id: 'acc-1', name: 'OpenAI prod' },
        ownerRef: 'group:default/platform',
        params: {
          currency: 'USD',
          days: 3,
          from: '2026-12-01',
          to: '2026-12-03',
          providerCost: '30',
          recordedCost: '24',
          difference: '6',
          differencePercent: 20,
          tolerancePercent: 5,
        },
      });
      // Evaluating again changes nothing: the same gap, the same alert.
      const again = await evaluator().evaluator.evaluate();
      expect(again.opened.filter(a => a.type === 'reconciliation_gap')).toEqual(
        [],
      );

      // The calls missing yesterday arrive: 10 recorded against 10 billed.
      await record(TODAY - DAY, 2n);
      const cleared = await evaluator().evaluator.evaluate();
      expect(
        cleared.resolved.filter(a => a.type === 'reconciliation_gap'),
      ).toHaveLength(1);
      const open = await alerts.list(
        { userRef: 'user:default/root', isAdmin: true, ownershipRefs: [] },
        { state: 'open', limit: 10, type: 'reconciliation_gap' },
      );
      expect(open.items).toEqual([]);
    });
  },
);
