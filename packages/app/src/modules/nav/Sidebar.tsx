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
          {/*
           * No unread count in the browser tab's title: the item's title
           * counter turns every title change into a React update and writes
           * "(n) " back, while a page's Helmet rewrites the title each time
           * the page renders, even in a render React throws away. With unread
           * notifications the two fought over the title, and each update
           * restarted the first render of a lazily loaded page (a Suspense
           * retry, which React 18 lets be interrupted without limit): on a
           * busy CPU the page stayed blank for 10–40 s. The badge on the
           * item still shows the count.
           */}
          <NotificationsSidebarItem titleCounterEnabled={false} />
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
