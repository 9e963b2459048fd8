import { TabbedLayout } from '@backstage/core-components';
import { LlmUsageLayout } from '../common';
import { AccountsSettings } from './AccountsSettings';
import { TagsSettings } from '../tags/TagsSettings';
import { BudgetsSettings } from '../budgets';
import { AlertRulesSettings } from './AlertRulesSettings';
import { PricesSettings } from './PricesSettings';
import { useLocalization } from '../../hooks';

/**
 * LLM Usage settings at `/llm-usage/settings`, one tab per concern, each
 * with its own URL (`/settings/accounts`, `/settings/tags`, …). A concern
 * adds its tab as one more `TabbedLayout.Route` below.
 */
export function SettingsPage() {
  const { t } = useLocalization();
  return (
    <LlmUsageLayout
      title={t('keyWorkspace.settings.title')}
      pageTitle={`${t('keyWorkspace.settings.title')} · ${t('page.title')}`}
      subtitle={t('keyWorkspace.settings.subtitle')}
    >
      <TabbedLayout>
        <TabbedLayout.Route
          path="/accounts"
          title={t('keyWorkspace.settings.tabs.accounts')}
        >
          <AccountsSettings />
        </TabbedLayout.Route>
        <TabbedLayout.Route
          path="/tags"
          title={t('keyWorkspace.settings.tabs.tags')}
        >
          <TagsSettings />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/budgets" title={t('budgetSettings.tab')}>
          <BudgetsSettings />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/alert-rules" title={t('alertRules.tab')}>
          <AlertRulesSettings />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/prices" title={t('prices.tab')}>
          <PricesSettings />
        </TabbedLayout.Route>
      </TabbedLayout>
    </LlmUsageLayout>
  );
}
