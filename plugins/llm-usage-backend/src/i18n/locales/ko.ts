import type { BackendMessages } from '../messages';

export const ko: BackendMessages = {
  titlePrefix: 'LLM 사용량: {{title}}',
  titles: {
    key_expiring: 'API 키 만료 임박',
    low_balance: '잔액 부족',
    high_usage: '사용량 초과',
    key_error: '키 또는 계정 오류',
    budget_runway: '예산 소진 임박',
    rollup_failed: '집계 실패',
  },
  targets: {
    key: '키',
    account: '계정',
    project: '프로젝트',
    budget: '예산',
    system: 'LLM 사용량',
  },
  namedTarget: '{{target}} “{{name}}”',
  units: {
    days: { other: '{{count}}일' },
    hours: { other: '{{count}}시간' },
    calls: { other: '호출 {{count}}건' },
  },
  alerts: {
    keyExpired: '{{name}}이(가) 만료되었습니다',
    keyExpiring: '{{name}}이(가) {{days}} 후에 만료됩니다({{date}})',
    lowBalance:
      '{{name}}의 잔액이 {{available}}(으)로 {{threshold}} 미만입니다',
    budgetPercent:
      '{{name}}이(가) {{month}} 금액의 {{value}}에 도달했습니다(알림 기준 {{threshold}})',
    tokensOver:
      '{{name}}이(가) {{month}}에 토큰 {{value}}개를 사용해 {{threshold}}을(를) 넘었습니다',
    spendOver:
      '{{name}}이(가) {{month}}에 {{value}}을(를) 사용해 {{threshold}}을(를) 넘었습니다',
    syncFailed: '{{name}} 동기화에 실패했습니다',
    disabled: '{{name}}이(가) 제공업체에서 비활성화되었습니다',
    keyError: '{{name}}이(가) 제공업체에서 오류 상태입니다',
    errorDetail: ': {{error}}',
    budgetRunway:
      '최근 소비 속도로 {{name}}은(는) 약 {{days}} 남았습니다(잔액 {{remaining}}, {{threshold}} 미만 시 알림)',
    rollupFailed:
      '시간별 집계가 {{hours}} 분량의 호출을 집계하지 못합니다(가장 오래된 시간 {{firstHour}}). 해당 시간은 원본 호출에서 읽고 매 실행마다 다시 시도합니다',
    other: '{{name}}: {{type}}',
  },
  webhook: {
    resolved: '해결됨',
    severities: { info: '정보', warning: '경고', error: '오류' },
    open: 'Backstage에서 열기',
  },
  digest: {
    weeklyTitle: '{{owner}}의 주간 LLM 비용: {{spend}}',
    monthlyTitle: '{{owner}}의 월간 LLM 비용: {{spend}}',
    summary: '{{from}} ~ {{to}}: {{calls}}, {{spend}}.',
    spendChange: '{{amount}}({{change}})',
    spend: '비용 {{amounts}}',
    noSpend: '비용 없음',
    noCost: '비용 없음',
    changeVsWeek: '전주 대비 {{change}}',
    changeVsMonth: '전월 대비 {{change}}',
    nothingWeekBefore: '전주 비용 없음',
    nothingMonthBefore: '전월 비용 없음',
    topProjects: '비용 상위 프로젝트: {{list}}.',
    topModels: '비용 상위 모델: {{list}}.',
    expiringKeys: '곧 만료되는 키: {{list}}.',
    expiringKey: '{{name}}({{provider}}) {{date}}',
    separator: '; ',
  },
};
