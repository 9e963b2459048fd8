import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarScrollWrapper,
  SidebarSpace,
} from '@backstage/core-components';
import {
  NavContentBlueprint,
  NavContentNavItem,
} from '@backstage/plugin-app-react';
import { SidebarLogo } from './SidebarLogo';
import MenuIcon from '@material-ui/icons/Menu';
import { UserSettingsSignInAvatar } from '@backstage/plugin-user-settings';
import { NotificationsSidebarItem } from '@backstage/plugin-notifications';
import {
  LlmUsageSettingsSidebarItem,
  LlmUsageSidebarItems,
} from './LlmUsageSidebarItems';

function NavItem(item: NavContentNavItem) {
  return (
    <SidebarItem icon={() => item.icon} to={item.href} text={item.title} />
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
            {llmUsage && (
              <LlmUsageSidebarItems href={llmUsage.href} icon={llmUsage.icon} />
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
            {/* The plugin's settings live with the app's, in one place. */}
            {llmUsage && <LlmUsageSettingsSidebarItem href={llmUsage.href} />}
          </SidebarGroup>
        </Sidebar>
      );
    },
  },
});
