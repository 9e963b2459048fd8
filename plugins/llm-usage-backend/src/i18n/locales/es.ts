import type { BackendMessages } from '../messages';

export const es: BackendMessages = {
  titlePrefix: 'Uso de LLM: {{title}}',
  titles: {
    key_expiring: 'Clave de API a punto de caducar',
    low_balance: 'Saldo bajo',
    high_usage: 'Uso elevado',
    key_error: 'Clave o cuenta con error',
    budget_runway: 'Presupuesto a punto de agotarse',
    rollup_failed: 'Fallo de la agregación',
  },
  targets: {
    key: 'Clave',
    account: 'Cuenta',
    project: 'Proyecto',
    budget: 'Presupuesto',
    system: 'Uso de LLM',
  },
  namedTarget: '{{target}} «{{name}}»',
  units: {
    days: {
      one: '{{count}} día',
      many: '{{count}} de días',
      other: '{{count}} días',
    },
    hours: {
      one: '{{count}} hora',
      many: '{{count}} de horas',
      other: '{{count}} horas',
    },
    calls: {
      one: '{{count}} llamada',
      many: '{{count}} de llamadas',
      other: '{{count}} llamadas',
    },
  },
  alerts: {
    keyExpired: '{{name}} ha caducado',
    keyExpiring: '{{name}} caduca en {{days}} ({{date}})',
    lowBalance:
      '{{name}} tiene un saldo de {{available}}, por debajo de {{threshold}}',
    budgetPercent:
      '{{name}} está al {{value}} de su importe de {{month}} (alerta al {{threshold}})',
    tokensOver:
      '{{name}} usó {{value}} tokens en {{month}}, más de {{threshold}}',
    spendOver: '{{name}} gastó {{value}} en {{month}}, más de {{threshold}}',
    syncFailed: 'No se pudo sincronizar {{name}}',
    disabled: '{{name}} está desactivado en el proveedor',
    keyError: '{{name}} tiene un error en el proveedor',
    errorDetail: ': {{error}}',
    budgetRunway:
      '{{name}} durará unos {{days}} al ritmo reciente (quedan {{remaining}}; alerta por debajo de {{threshold}})',
    rollupFailed:
      'La agregación horaria no puede agregar {{hours}} de llamadas, la más antigua {{firstHour}}; esas horas se leen de las llamadas sin procesar y se reintentan en cada ejecución',
    other: '{{name}}: {{type}}',
  },
  webhook: {
    resolved: 'Resuelto',
    severities: { info: 'INFO', warning: 'AVISO', error: 'ERROR' },
    open: 'Abrir en Backstage',
  },
  digest: {
    weeklyTitle: 'Gasto semanal en LLM de {{owner}}: {{spend}}',
    monthlyTitle: 'Gasto mensual en LLM de {{owner}}: {{spend}}',
    summary: 'Del {{from}} al {{to}}: {{calls}}, {{spend}}.',
    spendChange: '{{amount}} ({{change}})',
    spend: 'gasto {{amounts}}',
    noSpend: 'sin gasto',
    noCost: 'sin coste',
    changeVsWeek: '{{change}} frente a la semana anterior',
    changeVsMonth: '{{change}} frente al mes anterior',
    nothingWeekBefore: 'nada la semana anterior',
    nothingMonthBefore: 'nada el mes anterior',
    topProjects: 'Proyectos con más gasto: {{list}}.',
    topModels: 'Modelos con más gasto: {{list}}.',
    expiringKeys: 'Claves que caducan pronto: {{list}}.',
    expiringKey: '{{name}} ({{provider}}) el {{date}}',
    separator: '; ',
  },
};
