import { ReactNode } from 'react';
import { Badge, Tooltip } from '@material-ui/core';
import { useUnreadAlertCount } from '../../hooks/alerts';
import { useLocalization } from '../../hooks';

/**
 * Wraps a navigation icon (or any element) in a badge with the viewer's
 * unread open alerts; nothing shows when there are none or the count cannot
 * be read. Polls like the other live views and updates at once when alerts
 * are marked read in the page.
 *
 * @public
 */
export function LlmUsageAlertsBadge(props: { children: ReactNode }) {
  const { t } = useLocalization();
  const unread = useUnreadAlertCount();
  const count = unread.value?.unread ?? 0;
  if (count === 0) return <>{props.children}</>;
  const label = t('alerts.unreadBadge', { total: String(count) });
  return (
    <Tooltip title={label}>
      <Badge
        badgeContent={count}
        max={99}
        color={unread.value?.bySeverity.error ? 'error' : 'primary'}
        overlap="rectangular"
        aria-label={label}
        data-testid="llm-usage-alerts-badge"
      >
        {props.children}
      </Badge>
    </Tooltip>
  );
}
