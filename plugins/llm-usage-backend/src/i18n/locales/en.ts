import type { BackendMessages } from '../messages';

export const en: BackendMessages = {
  titlePrefix: 'LLM Usage: {{title}}',
  titles: {
    key_expiring: 'API key expiring',
    low_balance: 'Low balance',
    high_usage: 'High usage',
    key_error: 'Key or account in error',
    budget_runway: 'Budget running out',
    rollup_failed: 'Rollup failing',
  },
  targets: {
    key: 'Key',
    account: 'Account',
    project: 'Project',
    budget: 'Budget',
    system: 'LLM Usage',
  },
  namedTarget: '{{target}} "{{name}}"',
  units: {
    days: { one: '{{count}} day', other: '{{count}} days' },
    hours: { one: '{{count}} hour', other: '{{count}} hours' },
    calls: { one: '{{count}} call', other: '{{count}} calls' },
  },
  alerts: {
    keyExpired: '{{name}} has expired',
    keyExpiring: '{{name}} expires in {{days}} ({{date}})',
    lowBalance: '{{name}} has a balance of {{available}}, below {{threshold}}',
    budgetPercent:
      '{{name}} is at {{value}} of its amount for {{month}} (alert at {{threshold}})',
    tokensOver:
      '{{name}} used {{value}} tokens in {{month}}, over {{threshold}}',
    spendOver: '{{name}} spent {{value}} in {{month}}, over {{threshold}}',
    syncFailed: '{{name}} failed to sync',
    disabled: '{{name}} is disabled at the provider',
    keyError: '{{name}} is in error at the provider',
    errorDetail: ': {{error}}',
    budgetRunway:
      '{{name}} lasts about {{days}} at the recent burn rate ({{remaining}} left; alert under {{threshold}})',
    rollupFailed:
      'The hourly rollup cannot roll {{hours}} of calls, the oldest {{firstHour}}; those hours are read from raw calls and retried every run',
    other: '{{name}}: {{type}}',
  },
  webhook: {
    resolved: 'Resolved',
    severities: { info: 'INFO', warning: 'WARNING', error: 'ERROR' },
    open: 'Open in Backstage',
  },
  digest: {
    weeklyTitle: 'Weekly LLM spend for {{owner}}: {{spend}}',
    monthlyTitle: 'Monthly LLM spend for {{owner}}: {{spend}}',
    summary: '{{from}} to {{to}}: {{calls}}, {{spend}}.',
    spendChange: '{{amount}} ({{change}})',
    spend: 'spend {{amounts}}',
    noSpend: 'no spend',
    noCost: 'no cost',
    changeVsWeek: '{{change}} vs the week before',
    changeVsMonth: '{{change}} vs the month before',
    nothingWeekBefore: 'nothing the week before',
    nothingMonthBefore: 'nothing the month before',
    topProjects: 'Top projects: {{list}}.',
    topModels: 'Top models: {{list}}.',
    expiringKeys: 'Keys expiring soon: {{list}}.',
    expiringKey: '{{name}} ({{provider}}) on {{date}}',
    separator: '; ',
  },
};
