import type { BackendMessages } from '../messages';

export const ja: BackendMessages = {
  titlePrefix: 'LLM 利用状況：{{title}}',
  titles: {
    key_expiring: 'APIキーの有効期限が近づいています',
    low_balance: '残高不足',
    high_usage: '使用量の超過',
    key_error: 'キーまたはアカウントのエラー',
    budget_runway: '予算の残りわずか',
    rollup_failed: '集計の失敗',
  },
  targets: {
    key: 'キー',
    account: 'アカウント',
    project: 'プロジェクト',
    budget: '予算',
    system: 'LLM 利用状況',
  },
  namedTarget: '{{target}}「{{name}}」',
  units: {
    days: { other: '{{count}} 日' },
    hours: { other: '{{count}} 時間' },
    calls: { other: '{{count}} 件の呼び出し' },
  },
  alerts: {
    keyExpired: '{{name}}の有効期限が切れました',
    keyExpiring: '{{name}}はあと {{days}}で期限切れになります（{{date}}）',
    lowBalance:
      '{{name}}の残高は {{available}} で、{{threshold}} を下回っています',
    budgetPercent:
      '{{name}}は {{month}} の金額の {{value}} に達しました（{{threshold}} でアラート）',
    tokensOver:
      '{{name}}は {{month}} に {{value}} トークンを使用し、{{threshold}} を超えました',
    spendOver:
      '{{name}}は {{month}} に {{value}} を使用し、{{threshold}} を超えました',
    syncFailed: '{{name}}の同期に失敗しました',
    disabled: '{{name}}はプロバイダー側で無効化されています',
    keyError: '{{name}}はプロバイダー側でエラーになっています',
    errorDetail: '：{{error}}',
    budgetRunway:
      '{{name}}は最近の消費ペースであと約 {{days}}もちます（残り {{remaining}}、{{threshold}}未満でアラート）',
    rollupFailed:
      '1 時間ごとの集計が {{hours}}分の呼び出しを集計できません（最も古いのは {{firstHour}}）。その時間帯は元の呼び出しから読み取り、毎回再試行します',
    other: '{{name}}：{{type}}',
  },
  webhook: {
    resolved: '解決済み',
    severities: { info: '情報', warning: '警告', error: 'エラー' },
    open: 'Backstage で開く',
  },
  digest: {
    weeklyTitle: '{{owner}} の週間 LLM 費用：{{spend}}',
    monthlyTitle: '{{owner}} の月間 LLM 費用：{{spend}}',
    summary: '{{from}}〜{{to}}：{{calls}}、{{spend}}。',
    spendChange: '{{amount}}（{{change}}）',
    spend: '費用 {{amounts}}',
    noSpend: '費用なし',
    noCost: 'コストなし',
    changeVsWeek: '前週比 {{change}}',
    changeVsMonth: '前月比 {{change}}',
    nothingWeekBefore: '前週は費用なし',
    nothingMonthBefore: '前月は費用なし',
    topProjects: '費用の多いプロジェクト：{{list}}。',
    topModels: '費用の多いモデル：{{list}}。',
    expiringKeys: 'まもなく期限切れのキー：{{list}}。',
    expiringKey: '{{name}}（{{provider}}）{{date}}',
    separator: '、',
  },
};
