import { SidebarItem } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { useCallback } from 'react';
import type { IconElement } from '@backstage/frontend-plugin-api';
import { useLocation } from 'react-router-dom';
import {
  LlmUsageAlertsBadge,
  llmUsageTranslationRef,
} from '@llm-usage/backstage-plugin-llm-usage';
import NotificationsActiveIcon from '@material-ui/icons/NotificationsActive';
import CompareArrowsIcon from '@material-ui/icons/CompareArrows';
import HistoryIcon from '@material-ui/icons/History';
import TuneIcon from '@material-ui/icons/Tune';
import VpnKeyIcon from '@material-ui/icons/VpnKey';

/** The plugin's pages that have a sidebar item of their own. */
const SUB_PAGES = ['keys', 'reconciliation', 'alerts', 'activity'] as const;

function within(pathname: string, path: string) {
  return pathname === path || pathname.startsWith(`${path}/`);
}

// The plugin's alerts, with the viewer's unread count as a badge on the icon.
function LlmUsageAlertsIcon() {
  return (
    <LlmUsageAlertsBadge>
      <NotificationsActiveIcon />
    </LlmUsageAlertsBadge>
  );
}

/** @internal */
export interface LlmUsageSidebarItemsProps {
  /** Where the plugin is mounted, e.g. `/llm-usage`. */
  href: string;
  /** The icon of the plugin's page item. */
  icon: IconElement;
}

/**
 * The dashboard, API keys, reconciliation, alerts and activity of LLM Usage. Only the page
 * the viewer is on is highlighted: the dashboard item covers the dashboard and
 * its project pages, not every page below the mount point (its settings too
 * have their own item, in the Settings group, see
 * {@link LlmUsageSettingsSidebarItem}).
 */
export function LlmUsageSidebarItems(props: LlmUsageSidebarItemsProps) {
  const { href, icon } = props;
  const { t } = useTranslationRef(llmUsageTranslationRef);
  const { pathname } = useLocation();
  const PageIcon = useCallback(() => icon, [icon]);
  const onOtherPage = [...SUB_PAGES, 'settings'].some(page =>
    within(pathname, `${href}/${page}`),
  );
  const text = {
    keys: t('keyWorkspace.nav.keys'),
    reconciliation: t('nav.reconciliation'),
    alerts: t('alerts.navLink'),
    activity: t('activity.navLink'),
  };
  const icons = {
    keys: VpnKeyIcon,
    reconciliation: CompareArrowsIcon,
    alerts: LlmUsageAlertsIcon,
    activity: HistoryIcon,
  };
  return (
    <>
      <SidebarItem
        icon={PageIcon}
        to={href}
        text={t('nav.title')}
        // Exact on another plugin page, so only that page's item lights up.
        end={onOtherPage}
      />
      {SUB_PAGES.map(page => (
        <SidebarItem
          key={page}
          icon={icons[page]}
          to={`${href}/${page}`}
          text={text[page]}
        />
      ))}
    </>
  );
}

/** The plugin's settings: accounts, budgets, alert rules, tags, prices. */
export function LlmUsageSettingsSidebarItem(props: { href: string }) {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  return (
    <SidebarItem
      icon={TuneIcon}
      to={`${props.href}/settings`}
      text={t('keyWorkspace.nav.settings')}
    />
  );
}
