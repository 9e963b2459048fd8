import type { BackendMessages } from '../messages';

export const ptBR: BackendMessages = {
  titlePrefix: 'Uso de LLM: {{title}}',
  titles: {
    key_expiring: 'Chave de API prestes a expirar',
    low_balance: 'Saldo baixo',
    high_usage: 'Uso elevado',
    key_error: 'Chave ou conta com erro',
    budget_runway: 'Orçamento se esgotando',
    rollup_failed: 'Falha na agregação',
  },
  targets: {
    key: 'Chave',
    account: 'Conta',
    project: 'Projeto',
    budget: 'Orçamento',
    system: 'Uso de LLM',
  },
  namedTarget: '{{target}} “{{name}}”',
  units: {
    days: {
      one: '{{count}} dia',
      many: '{{count}} de dias',
      other: '{{count}} dias',
    },
    hours: {
      one: '{{count}} hora',
      many: '{{count}} de horas',
      other: '{{count}} horas',
    },
    calls: {
      one: '{{count}} chamada',
      many: '{{count}} de chamadas',
      other: '{{count}} chamadas',
    },
  },
  alerts: {
    keyExpired: '{{name}} expirou',
    keyExpiring: '{{name}} expira em {{days}} ({{date}})',
    lowBalance: '{{name}} tem saldo de {{available}}, abaixo de {{threshold}}',
    budgetPercent:
      '{{name}} está em {{value}} do valor de {{month}} (alerta em {{threshold}})',
    tokensOver:
      '{{name}} usou {{value}} tokens em {{month}}, acima de {{threshold}}',
    spendOver: '{{name}} gastou {{value}} em {{month}}, acima de {{threshold}}',
    syncFailed: 'Falha ao sincronizar {{name}}',
    disabled: '{{name}} está desativado no provedor',
    keyError: '{{name}} está com erro no provedor',
    errorDetail: ': {{error}}',
    budgetRunway:
      '{{name}} dura cerca de {{days}} no ritmo recente (restam {{remaining}}; alerta abaixo de {{threshold}})',
    rollupFailed:
      'A agregação por hora não consegue agregar {{hours}} de chamadas, a mais antiga {{firstHour}}; essas horas são lidas das chamadas brutas e tentadas de novo a cada execução',
    other: '{{name}}: {{type}}',
  },
  webhook: {
    resolved: 'Resolvido',
    severities: { info: 'INFO', warning: 'AVISO', error: 'ERRO' },
    open: 'Abrir no Backstage',
  },
  digest: {
    weeklyTitle: 'Gasto semanal com LLM de {{owner}}: {{spend}}',
    monthlyTitle: 'Gasto mensal com LLM de {{owner}}: {{spend}}',
    summary: 'De {{from}} a {{to}}: {{calls}}, {{spend}}.',
    spendChange: '{{amount}} ({{change}})',
    spend: 'gasto {{amounts}}',
    noSpend: 'sem gasto',
    noCost: 'sem custo',
    changeVsWeek: '{{change}} em relação à semana anterior',
    changeVsMonth: '{{change}} em relação ao mês anterior',
    nothingWeekBefore: 'nada na semana anterior',
    nothingMonthBefore: 'nada no mês anterior',
    topProjects: 'Projetos com mais gasto: {{list}}.',
    topModels: 'Modelos com mais gasto: {{list}}.',
    expiringKeys: 'Chaves que expiram em breve: {{list}}.',
    expiringKey: '{{name}} ({{provider}}) em {{date}}',
    separator: '; ',
  },
};
