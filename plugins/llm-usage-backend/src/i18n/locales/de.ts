import type { BackendMessages } from '../messages';

export const de: BackendMessages = {
  titlePrefix: 'LLM-Nutzung: {{title}}',
  titles: {
    key_expiring: 'API-Schlüssel läuft ab',
    low_balance: 'Niedriges Guthaben',
    high_usage: 'Hohe Nutzung',
    key_error: 'Schlüssel oder Konto fehlerhaft',
    budget_runway: 'Budget geht zur Neige',
    rollup_failed: 'Aggregation schlägt fehl',
  },
  targets: {
    key: 'Schlüssel',
    account: 'Konto',
    project: 'Projekt',
    budget: 'Budget',
    system: 'LLM-Nutzung',
  },
  namedTarget: '{{target}} „{{name}}“',
  units: {
    days: { one: '{{count}} Tag', other: '{{count}} Tagen' },
    hours: { one: '{{count}} Stunde', other: '{{count}} Stunden' },
    calls: { one: '{{count}} Aufruf', other: '{{count}} Aufrufe' },
  },
  alerts: {
    keyExpired: '{{name}} ist abgelaufen',
    keyExpiring: '{{name}} läuft in {{days}} ab ({{date}})',
    lowBalance:
      '{{name}} hat ein Guthaben von {{available}}, unter {{threshold}}',
    budgetPercent:
      '{{name}} steht bei {{value}} des Betrags für {{month}} (Warnung ab {{threshold}})',
    tokensOver:
      '{{name}} hat im {{month}} {{value}} Token verbraucht, mehr als {{threshold}}',
    spendOver:
      '{{name}} hat im {{month}} {{value}} ausgegeben, mehr als {{threshold}}',
    syncFailed: 'Synchronisierung von {{name}} fehlgeschlagen',
    disabled: '{{name}} ist beim Anbieter deaktiviert',
    keyError: '{{name}} meldet beim Anbieter einen Fehler',
    errorDetail: ': {{error}}',
    budgetRunway:
      '{{name}} reicht beim aktuellen Verbrauch noch etwa {{days}} ({{remaining}} übrig; Warnung unter {{threshold}})',
    rollupFailed:
      'Die stündliche Aggregation kann Aufrufe aus {{hours}} nicht zusammenfassen, die älteste {{firstHour}}; diese Stunden werden aus den Rohdaten gelesen und bei jedem Lauf erneut versucht',
    other: '{{name}}: {{type}}',
  },
  webhook: {
    resolved: 'Behoben',
    severities: { info: 'INFO', warning: 'WARNUNG', error: 'FEHLER' },
    open: 'In Backstage öffnen',
  },
  digest: {
    weeklyTitle: 'Wöchentliche LLM-Kosten für {{owner}}: {{spend}}',
    monthlyTitle: 'Monatliche LLM-Kosten für {{owner}}: {{spend}}',
    summary: '{{from}} bis {{to}}: {{calls}}, {{spend}}.',
    spendChange: '{{amount}} ({{change}})',
    spend: 'Kosten {{amounts}}',
    noSpend: 'keine Kosten',
    noCost: 'keine Kosten',
    changeVsWeek: '{{change}} gegenüber der Vorwoche',
    changeVsMonth: '{{change}} gegenüber dem Vormonat',
    nothingWeekBefore: 'in der Vorwoche nichts',
    nothingMonthBefore: 'im Vormonat nichts',
    topProjects: 'Teuerste Projekte: {{list}}.',
    topModels: 'Teuerste Modelle: {{list}}.',
    expiringKeys: 'Bald ablaufende Schlüssel: {{list}}.',
    expiringKey: '{{name}} ({{provider}}) am {{date}}',
    separator: '; ',
  },
};
