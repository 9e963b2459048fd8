import type { BackendMessages } from '../messages';

export const it: BackendMessages = {
  titlePrefix: 'Utilizzo LLM: {{title}}',
  titles: {
    key_expiring: 'Chiave API in scadenza',
    low_balance: 'Saldo basso',
    high_usage: 'Utilizzo elevato',
    key_error: 'Chiave o account in errore',
    budget_runway: 'Budget in esaurimento',
    rollup_failed: 'Aggregazione non riuscita',
  },
  targets: {
    key: 'Chiave',
    account: 'Account',
    project: 'Progetto',
    budget: 'Budget',
    system: 'Utilizzo LLM',
  },
  namedTarget: '{{target}} «{{name}}»',
  units: {
    days: {
      one: '{{count}} giorno',
      many: '{{count}} di giorni',
      other: '{{count}} giorni',
    },
    hours: {
      one: '{{count}} ora',
      many: '{{count}} di ore',
      other: '{{count}} ore',
    },
    calls: {
      one: '{{count}} chiamata',
      many: '{{count}} di chiamate',
      other: '{{count}} chiamate',
    },
  },
  alerts: {
    keyExpired: '{{name}} è scaduta',
    keyExpiring: '{{name}} scade tra {{days}} ({{date}})',
    lowBalance: '{{name}} ha un saldo di {{available}}, sotto {{threshold}}',
    budgetPercent:
      '{{name}} è al {{value}} dell’importo di {{month}} (avviso al {{threshold}})',
    tokensOver:
      '{{name}} ha usato {{value}} token a {{month}}, oltre {{threshold}}',
    spendOver: '{{name}} ha speso {{value}} a {{month}}, oltre {{threshold}}',
    syncFailed: 'Sincronizzazione di {{name}} non riuscita',
    disabled: '{{name}} è disattivato presso il fornitore',
    keyError: '{{name}} è in errore presso il fornitore',
    errorDetail: ': {{error}}',
    budgetRunway:
      '{{name}} dura circa {{days}} al ritmo recente (restano {{remaining}}; avviso sotto {{threshold}})',
    rollupFailed:
      'L’aggregazione oraria non riesce ad aggregare {{hours}} di chiamate, la più vecchia {{firstHour}}; quelle ore vengono lette dalle chiamate grezze e ritentate a ogni esecuzione',
    other: '{{name}}: {{type}}',
  },
  webhook: {
    resolved: 'Risolto',
    severities: { info: 'INFO', warning: 'AVVISO', error: 'ERRORE' },
    open: 'Apri in Backstage',
  },
  digest: {
    weeklyTitle: 'Spesa LLM settimanale di {{owner}}: {{spend}}',
    monthlyTitle: 'Spesa LLM mensile di {{owner}}: {{spend}}',
    summary: 'Dal {{from}} al {{to}}: {{calls}}, {{spend}}.',
    spendChange: '{{amount}} ({{change}})',
    spend: 'spesa {{amounts}}',
    noSpend: 'nessuna spesa',
    noCost: 'nessun costo',
    changeVsWeek: '{{change}} rispetto alla settimana precedente',
    changeVsMonth: '{{change}} rispetto al mese precedente',
    nothingWeekBefore: 'niente la settimana precedente',
    nothingMonthBefore: 'niente il mese precedente',
    topProjects: 'Progetti con più spesa: {{list}}.',
    topModels: 'Modelli con più spesa: {{list}}.',
    expiringKeys: 'Chiavi in scadenza: {{list}}.',
    expiringKey: '{{name}} ({{provider}}) il {{date}}',
    separator: '; ',
  },
};
