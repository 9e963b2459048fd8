import type { BackendMessages } from '../messages';

export const ru: BackendMessages = {
  titlePrefix: 'Использование LLM: {{title}}',
  titles: {
    key_expiring: 'Срок действия API-ключа истекает',
    low_balance: 'Низкий баланс',
    high_usage: 'Высокое потребление',
    key_error: 'Ошибка ключа или аккаунта',
    budget_runway: 'Бюджет заканчивается',
    rollup_failed: 'Сбой агрегации',
  },
  targets: {
    key: 'Ключ',
    account: 'Аккаунт',
    project: 'Проект',
    budget: 'Бюджет',
    system: 'Использование LLM',
  },
  namedTarget: '{{target}} «{{name}}»',
  units: {
    days: {
      one: '{{count}} день',
      few: '{{count}} дня',
      many: '{{count}} дней',
      other: '{{count}} дня',
    },
    hours: {
      one: '{{count}} час',
      few: '{{count}} часа',
      many: '{{count}} часов',
      other: '{{count}} часа',
    },
    calls: {
      one: '{{count}} вызов',
      few: '{{count}} вызова',
      many: '{{count}} вызовов',
      other: '{{count}} вызова',
    },
  },
  alerts: {
    keyExpired: '{{name}}: срок действия истёк',
    keyExpiring: '{{name}}: срок действия истекает через {{days}} ({{date}})',
    lowBalance: '{{name}}: баланс {{available}}, ниже порога {{threshold}}',
    budgetPercent:
      '{{name}}: израсходовано {{value}} суммы за {{month}} (оповещение при {{threshold}})',
    tokensOver:
      '{{name}}: использовано {{value}} токенов за {{month}}, больше {{threshold}}',
    spendOver:
      '{{name}}: потрачено {{value}} за {{month}}, больше {{threshold}}',
    syncFailed: '{{name}}: синхронизация не удалась',
    disabled: '{{name}}: отключён у провайдера',
    keyError: '{{name}}: ошибка у провайдера',
    errorDetail: ': {{error}}',
    budgetRunway:
      '{{name}}: при текущем расходе хватит примерно на {{days}} (осталось {{remaining}}; оповещение, если меньше {{threshold}})',
    rollupFailed:
      'Почасовая агрегация не может обработать вызовы за {{hours}}, самый ранний — {{firstHour}}; эти часы читаются из исходных вызовов и повторяются при каждом запуске',
    other: '{{name}}: {{type}}',
  },
  webhook: {
    resolved: 'Решено',
    severities: { info: 'ИНФО', warning: 'ПРЕДУПРЕЖДЕНИЕ', error: 'ОШИБКА' },
    open: 'Открыть в Backstage',
  },
  digest: {
    weeklyTitle: 'Расходы на LLM за неделю, {{owner}}: {{spend}}',
    monthlyTitle: 'Расходы на LLM за месяц, {{owner}}: {{spend}}',
    summary: 'С {{from}} по {{to}}: {{calls}}, {{spend}}.',
    spendChange: '{{amount}} ({{change}})',
    spend: 'расходы {{amounts}}',
    noSpend: 'без расходов',
    noCost: 'без затрат',
    changeVsWeek: '{{change}} к предыдущей неделе',
    changeVsMonth: '{{change}} к предыдущему месяцу',
    nothingWeekBefore: 'на предыдущей неделе ничего',
    nothingMonthBefore: 'в предыдущем месяце ничего',
    topProjects: 'Самые затратные проекты: {{list}}.',
    topModels: 'Самые затратные модели: {{list}}.',
    expiringKeys: 'Скоро истекают ключи: {{list}}.',
    expiringKey: '{{name}} ({{provider}}) {{date}}',
    separator: '; ',
  },
};
