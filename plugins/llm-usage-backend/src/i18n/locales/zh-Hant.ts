import type { BackendMessages } from '../messages';

export const zhHant: BackendMessages = {
  titlePrefix: 'LLM 用量：{{title}}',
  titles: {
    key_expiring: 'API 金鑰即將到期',
    low_balance: '餘額不足',
    high_usage: '用量過高',
    key_error: '金鑰或帳戶異常',
    budget_runway: '預算即將用盡',
    rollup_failed: '彙總失敗',
  },
  targets: {
    key: '金鑰',
    account: '帳戶',
    project: '專案',
    budget: '預算',
    system: 'LLM 用量',
  },
  namedTarget: '{{target}}「{{name}}」',
  units: {
    days: { other: '{{count}} 天' },
    hours: { other: '{{count}} 小時' },
    calls: { other: '{{count}} 次呼叫' },
  },
  alerts: {
    keyExpired: '{{name}}已到期',
    keyExpiring: '{{name}}將於 {{days}}後到期（{{date}}）',
    lowBalance: '{{name}}餘額為 {{available}}，低於 {{threshold}}',
    budgetPercent:
      '{{name}}已用到 {{month}} 額度的 {{value}}（警示門檻 {{threshold}}）',
    tokensOver:
      '{{name}}在 {{month}} 使用了 {{value}} 個 Token，超過 {{threshold}}',
    spendOver: '{{name}}在 {{month}} 花費 {{value}}，超過 {{threshold}}',
    syncFailed: '{{name}}同步失敗',
    disabled: '{{name}}已在供應商端停用',
    keyError: '{{name}}在供應商端發生錯誤',
    errorDetail: '：{{error}}',
    budgetRunway:
      '依近期消耗速度，{{name}}約還能維持 {{days}}（剩餘 {{remaining}}；低於 {{threshold}}時警示）',
    rollupFailed:
      '每小時彙總無法彙總 {{hours}}的呼叫（最早為 {{firstHour}}）；這些小時改從原始呼叫讀取，並在每次執行時重試',
    other: '{{name}}：{{type}}',
  },
  webhook: {
    resolved: '已解決',
    severities: { info: '提示', warning: '警告', error: '錯誤' },
    open: '在 Backstage 中開啟',
  },
  digest: {
    weeklyTitle: '{{owner}} 的每週 LLM 花費：{{spend}}',
    monthlyTitle: '{{owner}} 的每月 LLM 花費：{{spend}}',
    summary: '{{from}} 至 {{to}}：{{calls}}，{{spend}}。',
    spendChange: '{{amount}}（{{change}}）',
    spend: '花費 {{amounts}}',
    noSpend: '無花費',
    noCost: '無費用',
    changeVsWeek: '較前一週 {{change}}',
    changeVsMonth: '較前一月 {{change}}',
    nothingWeekBefore: '前一週無花費',
    nothingMonthBefore: '前一月無花費',
    topProjects: '花費最多的專案：{{list}}。',
    topModels: '花費最多的模型：{{list}}。',
    expiringKeys: '即將到期的金鑰：{{list}}。',
    expiringKey: '{{name}}（{{provider}}）於 {{date}}',
    separator: '；',
  },
};
