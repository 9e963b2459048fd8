import type { BackendMessages } from '../messages';

export const zh: BackendMessages = {
  titlePrefix: 'LLM 用量：{{title}}',
  titles: {
    key_expiring: 'API 密钥即将过期',
    low_balance: '余额不足',
    high_usage: '用量过高',
    key_error: '密钥或账户异常',
    budget_runway: '预算即将用尽',
    rollup_failed: '汇总失败',
  },
  targets: {
    key: '密钥',
    account: '账户',
    project: '项目',
    budget: '预算',
    system: 'LLM 用量',
  },
  namedTarget: '{{target}}“{{name}}”',
  units: {
    days: { other: '{{count}} 天' },
    hours: { other: '{{count}} 小时' },
    calls: { other: '{{count}} 次调用' },
  },
  alerts: {
    keyExpired: '{{name}}已过期',
    keyExpiring: '{{name}}将在 {{days}}后过期（{{date}}）',
    lowBalance: '{{name}}余额为 {{available}}，低于 {{threshold}}',
    budgetPercent:
      '{{name}}已用到 {{month}} 额度的 {{value}}（告警阈值 {{threshold}}）',
    tokensOver:
      '{{name}}在 {{month}} 使用了 {{value}} 个 Token，超过 {{threshold}}',
    spendOver: '{{name}}在 {{month}} 花费 {{value}}，超过 {{threshold}}',
    syncFailed: '{{name}}同步失败',
    disabled: '{{name}}已在服务商处停用',
    keyError: '{{name}}在服务商处出错',
    errorDetail: '：{{error}}',
    budgetRunway:
      '按近期消耗速度，{{name}}约还能维持 {{days}}（剩余 {{remaining}}；低于 {{threshold}}时告警）',
    rollupFailed:
      '每小时汇总无法汇总 {{hours}}的调用（最早为 {{firstHour}}）；这些小时改从原始调用读取，并在每次运行时重试',
    other: '{{name}}：{{type}}',
  },
  webhook: {
    resolved: '已解决',
    severities: { info: '提示', warning: '警告', error: '错误' },
    open: '在 Backstage 中打开',
  },
  digest: {
    weeklyTitle: '{{owner}} 的每周 LLM 花费：{{spend}}',
    monthlyTitle: '{{owner}} 的每月 LLM 花费：{{spend}}',
    summary: '{{from}} 至 {{to}}：{{calls}}，{{spend}}。',
    spendChange: '{{amount}}（{{change}}）',
    spend: '花费 {{amounts}}',
    noSpend: '无花费',
    noCost: '无费用',
    changeVsWeek: '较前一周 {{change}}',
    changeVsMonth: '较前一月 {{change}}',
    nothingWeekBefore: '前一周无花费',
    nothingMonthBefore: '前一月无花费',
    topProjects: '花费最多的项目：{{list}}。',
    topModels: '花费最多的模型：{{list}}。',
    expiringKeys: '即将过期的密钥：{{list}}。',
    expiringKey: '{{name}}（{{provider}}）于 {{date}}',
    separator: '；',
  },
};
