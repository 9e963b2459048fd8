import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarScrollWrapper,
  SidebarSpace,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import {
  NavContentBlueprint,
  NavContentNavItem,
} from '@backstage/plugin-app-react';
import { SidebarLogo } from './SidebarLogo';
import MenuIcon from '@material-ui/icons/Menu';
import { UserSettingsSignInAvatar } from '@backstage/plugin-user-settings';
import { NotificationsSidebarItem } from '@backstage/plugin-notifications';
import {
  LlmUsageAlertsBadge,
  llmUsageTranslationRef,
} from '@llm-usage/backstage-plugin-llm-usage';
import NotificationsActiveIcon from '@material-ui/icons/NotificationsActive';
import HistoryIcon from '@material-ui/icons/History';
import TuneIcon from '@material-ui/icons/Tune';
import VpnKeyIcon from '@material-ui/icons/VpnKey';

function NavItem(item: NavContentNavItem) {
  return (
    <SidebarItem icon={() => item.icon} to={item.href} text={item.title} />
  );
}

// Page titles are plain strings; this one follows the user's language.
function LlmUsageNavItem(item: NavContentNavItem) {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  return <NavItem {...item} title={t('nav.title')} />;
}

// The plugin's alerts, with the viewer's unread count as a badge on the icon.
function LlmUsageAlertsIcon() {
  return (
    <LlmUsageAlertsBadge>
      <NotificationsActiveIcon />
    </LlmUsageAlertsBadge>
  );
}

function LlmUsageAlertsNavItem(props: { href: string }) {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  return (
    <SidebarItem
      icon={LlmUsageAlertsIcon}
      to={props.href}
      text={t('alerts.navLink')}
    />
  );
}

// Who changed what in LLM Usage: keys, accounts, budgets, rules.
function LlmUsageActivityNavItem(props: { href: string }) {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  return (
    <SidebarItem
      icon={HistoryIcon}
      to={props.href}
      text={t('activity.navLink')}
    />
  );
}

// The API Keys workspace and the plugin's settings (accounts, tags, …).
function LlmUsageKeysNavItem(props: { href: string }) {
  const { t } = useTranslationRef(llmUsageTranslationRef);
  return (
    <>
      <SidebarItem
        icon={VpnKeyIcon}
        to={`${props.href}/keys`}
        text={t('keyWorkspace.nav.keys')}
      />
      <SidebarItem
        icon={TuneIcon}
        to={`${props.href}/settings`}
        text={t('keyWorkspace.nav.settings')}
      />
    </>
  );
}

export const SidebarContent = NavContentBlueprint.make({
  params: {
    component: ({ navItems }) => {
      const llmUsage = navItems.take('page:llm-usage');
      const nav = navItems.withComponent(NavItem);

      // Shown by NotificationsSidebarItem below instead.
      nav.take('page:notifications');

      return (
        <Sidebar>
          <SidebarLogo />
          <SidebarGroup label="Menu" icon={<MenuIcon />}>
            {nav.take('page:catalog')}
            {llmUsage && <LlmUsageNavItem {...llmUsage} />}
            {llmUsage && <LlmUsageKeysNavItem href={llmUsage.href} />}
            {llmUsage && (
              <LlmUsageAlertsNavItem href={`${llmUsage.href}/alerts`} />
            )}
            {llmUsage && (
              <LlmUsageActivityNavItem href={`${llmUsage.href}/activity`} />
            )}
            <SidebarDivider />
            <SidebarScrollWrapper>
              {nav.rest({ sortBy: 'title' })}
            </SidebarScrollWrapper>
          </SidebarGroup>
          <SidebarSpace />
          <SidebarDivider />
          <NotificationsSidebarItem />
          <SidebarDivider />
          <SidebarGroup
            label="Settings"
            icon={<UserSettingsSignInAvatar />}
            to="/settings"
          >
            {nav.take('page:app-visualizer')}
            {nav.take('page:user-settings')}
          </SidebarGroup>
        </Sidebar>
      );
    },
  },
});
